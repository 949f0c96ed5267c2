import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { parseConfig } from '../config/parse.js';
import { defaultDirs } from '../config/locate.js';
import { databaseLocation, isParseError, parseDatabaseUrl } from '../database-target/parse-url.js';
import { UsageError } from '../errors.js';
import { runDemo, type DemoTarget } from '../demo/run-demo.js';
import { openStore } from '../store/open-store.js';
import { redactUserinfo } from '../text/redact.js';
import { foreignData } from '../demo/own-data.js';

export interface DemoOptions {
  /** The global --database, when given on the command line. */
  database: string | undefined;
  pause: boolean | undefined;
  /** Keep the demo's server and dashboard running after the story (until Ctrl-C). */
  serve: boolean | undefined;
}

/**
 * `monitor demo`: the whole story through the real HTTP API and the real `check`. It ignores the
 * user's own config (so it always tells the same story) except to find where a newcomer's next
 * commands (`monitor alerts list`, `hosts list`, `checks list`) will look, and writes there when that
 * is the default embedded database holding nothing but an earlier demo (see chooseTarget).
 */
export async function demo(ctx: Context, options: DemoOptions): Promise<void> {
  const target = await chooseTarget(ctx, options.database);
  const { DEMO_CONFIG_YAML } = await import('../demo/scenario.js');
  const config = parseConfig(DEMO_CONFIG_YAML, null, { env: {}, cwd: ctx.cwd, homedir: ctx.homedir });
  config.database.target = target.target;
  await runDemo({ ...ctx, config }, { target, pause: Boolean(options.pause), serve: Boolean(options.serve) });
}

/**
 * - `--database URL`: that database (runDemo refuses it when it holds anything the demo did not make).
 * - else the default embedded database, when the config points there and it is missing, empty, or
 *   holds nothing but demo data: started afresh, so the next commands show the story with alert #1.
 * - else (a configured database, or real data in the default one) a file of the demo's own, and the
 *   story ends with the command that looks at it.
 */
async function chooseTarget(ctx: Context, database: string | undefined): Promise<DemoTarget> {
  if (database !== undefined) {
    const parsed = parseDatabaseUrl(database, { baseDir: ctx.cwd, homedir: ctx.homedir });
    if (isParseError(parsed)) throw new UsageError(`--database: ${parsed.error}`);
    return { target: parsed, fresh: false, next: lookCommand(redactUserinfo(database)) };
  }
  const dirs = defaultDirs(ctx.env, ctx.homedir);
  const configured = ctx.config.database.target;
  const atDefault = configured.kind === 'sqlite' && configured.path === dirs.databaseFile;
  if (atDefault && (await holdsOnlyDemoData(dirs.databaseFile))) {
    await removeDatabaseFile(dirs.databaseFile);
    return { target: configured, fresh: true, next: null };
  }
  const file = join(dirs.dataDir, 'demo.db');
  await removeDatabaseFile(file);
  return {
    target: { kind: 'sqlite', path: file },
    fresh: true,
    next: lookCommand(`sqlite:${file}`),
    elsewhere: databaseLocation(configured),
  };
}

async function holdsOnlyDemoData(file: string): Promise<boolean> {
  try {
    await stat(file);
  } catch {
    return true; // no database yet: the demo makes it
  }
  let store;
  try {
    store = await openStore({ target: { kind: 'sqlite', path: file }, poolSize: 1, connectTimeoutMs: 5_000 });
  } catch {
    return false; // unreadable, busy or from a newer version: not the demo's to replace, its own file will do
  }
  try {
    const found = await foreignData(store);
    return found.hosts.length === 0 && found.alerts === 0;
  } finally {
    await store.close();
  }
}

async function removeDatabaseFile(file: string): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) await rm(`${file}${suffix}`, { force: true });
}

/** `monitor --database URL alerts list`, quoted for a POSIX shell when needed. */
function lookCommand(url: string): string {
  const quoted = /^[\w@%+=:,./-]+$/.test(url) ? url : `'${url.replace(/'/g, `'\\''`)}'`;
  return `monitor --database ${quoted}`;
}
