// Builds the Context a command receives: config (located, parsed, validated), output, logger, clock,
// and a lazy store opener, so commands that never touch the database never load a driver.

import type { Context, Output } from '../context.js';
import { loadConfig } from '../config/load.js';
import { normaliseDatabaseUrl } from '../config/validate-core.js';
import { UsageError } from '../errors.js';
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

export async function createContext(io: RunIO, options: GlobalOptions, signal: AbortSignal): Promise<Context> {
  const config = await loadConfig({ explicitPath: options.config, env: io.env, cwd: io.cwd, homedir: io.homedir });
  if (options.database !== undefined) {
    const url = normaliseDatabaseUrl(options.database, { baseDir: io.cwd, homedir: io.homedir });
    if (typeof url !== 'string') throw new UsageError(`--database: ${url.error}`);
    config.database.url = url;
  }
  const verbose = isDebug(io.env, options.verbose);
  const log = createLogger({
    write: (line) => void io.stderr.write(line),
    json: false,
    debug: verbose,
    now: () => io.clock.now(),
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
    signal,
    openStore: async (options = {}) => {
      const { openStore } = await import('../store/open-store.js');
      return openStore(config.database, { migrate: options.migrate ?? 'auto' });
    },
  };
}
