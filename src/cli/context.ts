// Builds the Context a command receives: config (located, parsed, validated), output, logger, clock,
// and a lazy store opener, so commands that never touch the database never load a driver.

import type { Context, Output } from '../context.js';
import { loadConfig } from '../config/load.js';
import { configSecrets } from '../config/secrets.js';
import { isParseError, parseDatabaseUrl } from '../database-target/parse-url.js';
import { UsageError } from '../errors.js';
import type { DatabaseTarget } from '../database-target/types.js';
import { createLogger } from '../output/logger.js';
import { wantsColour } from '../output/colour-choice.js';
import { isDebug } from './debug.js';
import type { RunIO } from './io.js';

export interface GlobalOptions {
  config?: string;
  verbose?: boolean;
  /** --database URL: over database.url and MONITOR_DATABASE_URL. */
  database?: string;
}

function makeOutput(io: RunIO): Output {
  const isTTY = Boolean(io.stdout.isTTY);
  return {
    write: (text) => void io.stdout.write(text),
    error: (text) => void io.stderr.write(text),
    color: wantsColour(io.env, isTTY),
    isTTY,
    errorIsTTY: Boolean(io.stderr.isTTY),
  };
}

/** `secrets` receives the config's secret values, so main.ts can scrub the error it prints too. */
export async function createContext(io: RunIO, options: GlobalOptions, signal: AbortSignal, secrets: string[] = []): Promise<Context> {
  const config = await loadConfig({ explicitPath: options.config, env: io.env, cwd: io.cwd, homedir: io.homedir });
  if (options.database !== undefined) {
    config.database.target = databaseOption(options.database, io);
  }
  secrets.push(...configSecrets(config));
  const verbose = isDebug(io.env, options.verbose);
  const log = createLogger({
    write: (line) => void io.stderr.write(line),
    json: false,
    debug: verbose,
    now: () => io.clock.now(),
    secrets,
  });
  return {
    config,
    clock: io.clock,
    log,
    out: makeOutput(io),
    input: io.stdin,
    env: io.env,
    cwd: io.cwd,
    homedir: io.homedir,
    verbose,
    secrets,
    signal,
    openStore: async (options = {}) => {
      const { openStore } = await import('../store/open-store.js');
      return openStore(config.database, { migrate: options.migrate ?? 'auto' });
    },
  };
}

/**
 * `--database URL`, over database.url and MONITOR_DATABASE_URL. MONITOR_DATABASE_PASSWORD applies to
 * it as to MONITOR_DATABASE_URL: for a mysql:// URL it wins over a password in the URL (SQLite ignores it).
 */
function databaseOption(text: string, io: RunIO): DatabaseTarget {
  const parsed = parseDatabaseUrl(text, { baseDir: io.cwd, homedir: io.homedir });
  if (isParseError(parsed)) throw new UsageError(`--database: ${parsed.error}`);
  const password = io.env.MONITOR_DATABASE_PASSWORD;
  return parsed.kind === 'mysql' && password ? { ...parsed, password } : parsed;
}
