import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { parseListen } from '../config/listen.js';
import { createLogger } from '../output/logger.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/** /metrics lists every host: on a non-loopback address it should need a token or live elsewhere. */
function warnOpenReadEndpoints(ctx: Context, host: string, log: Context['log']): void {
  const { server } = ctx.config;
  if (LOOPBACK.test(host) || server.metricsToken !== null) return;
  if (server.metricsListen !== null && LOOPBACK.test(server.metricsListen.host)) return;
  log.warn(`/metrics is open to anyone who reaches ${host}: set server.metrics_token, or server.metrics_listen to a loopback address`);
}

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
    secrets: ctx.secrets,
  });
  const store = await untilStopped(ctx.openStore(), ctx.signal);
  try {
    const { startServer } = await import('../server/app.js');
    const { configuredChannels } = await import('../notify/configured-channels.js');
    const notifyChannels = configuredChannels(ctx.config.notify);
    const server = await startServer({ store, config: ctx.config.server, log, clock: ctx.clock, listen, notifyChannels });
    warnOpenReadEndpoints(ctx, listen.host, log);
    // SIGHUP re-reads the TLS certificate (certbot's deploy hook: systemctl reload monitor).
    const onHangup = (): void => void server.reloadTls();
    if (ctx.config.server.tls) process.on('SIGHUP', onHangup);
    try {
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) resolve();
        else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
    } finally {
      process.off('SIGHUP', onHangup);
    }
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
      void work.then(
        (value) => (value as { close?: () => Promise<void> }).close?.(),
        () => undefined,
      );
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
