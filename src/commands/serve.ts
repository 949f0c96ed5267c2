import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { parseListen } from '../config/listen.js';
import { createLogger } from '../output/logger.js';

export interface ServeOptions {
  listen: string | undefined;
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
  });
  const store = await untilStopped(ctx.openStore(), ctx.signal);
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

/**
 * serve stops itself on a signal, so it gets no deadline (src/cli/stops.ts); before it listens there
 * is nothing to finish, and a signal during a slow database connect ends it at once.
 */
function untilStopped<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      // The connection, if it comes, is closed: the process is ending.
      void work.then((value) => (value as { close?: () => Promise<void> }).close?.(), () => undefined);
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
