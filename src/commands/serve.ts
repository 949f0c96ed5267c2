import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { parseListen } from '../config/listen.js';
import { createLogger } from '../output/logger.js';

export interface ServeOptions {
  listen?: string;
}

/**
 * `monitor serve`: the ingest API until SIGTERM/SIGINT, then a clean shutdown — stop accepting,
 * finish in-flight writes, exit 0. Logs are JSON lines when standard error is not a terminal.
 */
export async function serve(ctx: Context, options: ServeOptions): Promise<void> {
  let listen = ctx.config.server.listen;
  if (options.listen !== undefined) {
    const parsed = parseListen(options.listen);
    if ('error' in parsed) throw new UsageError(`--listen: ${parsed.error}`);
    listen = parsed;
  }
  const log = createLogger({
    write: (line) => ctx.out.error(line),
    json: !ctx.out.errorIsTTY,
    debug: ctx.verbose,
    now: () => ctx.clock.now(),
    secrets: ctx.secrets,
  });
  const store = await ctx.openStore();
  try {
    const { startServer } = await import('../server/app.js');
    const server = await startServer({ store, config: ctx.config.server, log, clock: ctx.clock, listen });
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    log.info('shutting down: finishing in-flight reports');
    await server.close();
  } finally {
    await store.close();
  }
}
