import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { parseConfig } from '../config/parse.js';
import { defaultDirs } from '../config/locate.js';
import { normaliseDatabaseUrl } from '../config/validate-core.js';
import { UsageError } from '../errors.js';
import { runDemo } from '../demo/run-demo.js';

export interface DemoOptions {
  database?: string;
  pause?: boolean;
  /** Keep the demo's server and dashboard running after the story (until Ctrl-C). */
  serve?: boolean;
}

/**
 * `monitor demo`: the whole story on a fresh embedded database (or --database URL), through the real
 * HTTP API and the real `check`. Ignores the user's own config so it always tells the same story.
 */
export async function demo(ctx: Context, options: DemoOptions): Promise<void> {
  let url: string;
  let fresh = false;
  if (options.database) {
    const normalised = normaliseDatabaseUrl(options.database, { baseDir: ctx.cwd, homedir: ctx.homedir });
    if (typeof normalised !== 'string') throw new UsageError(`--database: ${normalised.error}`);
    url = normalised;
  } else {
    const file = join(defaultDirs(ctx.env, ctx.homedir).dataDir, 'demo.db');
    for (const suffix of ['', '-wal', '-shm']) await rm(`${file}${suffix}`, { force: true });
    url = `sqlite:${file}`;
    fresh = true;
  }
  const { DEMO_CONFIG_YAML } = await import('../demo/scenario.js');
  const config = parseConfig(DEMO_CONFIG_YAML, null, { env: {}, cwd: ctx.cwd, homedir: ctx.homedir });
  config.database.url = url;
  await runDemo({ ...ctx, config }, { fresh, pause: Boolean(options.pause), serve: Boolean(options.serve) });
}
