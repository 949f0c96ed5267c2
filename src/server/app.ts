// `monitor serve`'s HTTP server: node:http with keep-alive, the routes, group commit, and a graceful
// close that stops accepting, lets in-flight requests finish (their batch commits), and closes idle
// keep-alive sockets. The caller owns the store (and closes it after close()) and wires signals.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock, type Logger } from '../context.js';
import { UnavailableError } from '../errors.js';
import type { ServerConfig } from '../config/types.js';
import type { Store } from '../store/store.js';
import type { HostSummary } from '../store/types.js';
import { createKeyAuth, type KeyAuth } from './auth.js';
import { BatchWriter } from './batch-writer.js';
import { DatabaseStatus } from './database-status.js';
import { ServerMetrics } from './metrics.js';
import { createRateLimit } from './rate-limit.js';
import { createRequestHandler } from './routes.js';

export interface StartServerOptions {
  store: Store;
  config: ServerConfig;
  log: Logger;
  clock?: Clock;
  /** Overrides config.listen (e.g. `serve --listen`); port 0 picks a free port. */
  listen?: { host: string; port: number };
  /** How long a request waits for the database before a 503. Default: max(config.requestTimeoutMs, 5 s). */
  databaseTimeoutMs?: number;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  metrics: ServerMetrics;
  /** Call `auth.invalidate()` after rotating or removing a key in this process. */
  auth: KeyAuth;
  /** Requests being handled right now (read, validated, waiting for their commit). */
  readonly activeRequests: number;
  /** Stops accepting, finishes in-flight requests and writes, closes idle sockets. Idempotent. */
  close(): Promise<void>;
}

/** How long /metrics reuses one host list: scrapes must not turn into a query storm. */
const HOST_GAUGE_CACHE_MS = 5_000;

/** An agent registers once; a client address past this is guessing or looping. */
const REGISTRATION_RATE = { perWindow: 10, windowMs: 60_000 };

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { store, config, log } = options;
  const clock = options.clock ?? systemClock;
  const listen = options.listen ?? config.listen;
  const databaseTimeoutMs = options.databaseTimeoutMs ?? Math.max(config.requestTimeoutMs, 5_000);

  const metrics = new ServerMetrics();
  const database = new DatabaseStatus(log);
  const auth = createKeyAuth({ store, clock });
  const writer = new BatchWriter({
    store,
    onCommit: (stats) => metrics.observeCommit(stats),
    onError: (_error, stats) => metrics.observeWriteError(stats),
  });

  let gauges: { at: number; hosts: HostSummary[] } | null = null;
  const hostGauges = async (): Promise<HostSummary[] | null> => {
    const now = clock.now().getTime();
    if (gauges && now - gauges.at < HOST_GAUGE_CACHE_MS) return gauges.hosts;
    try {
      gauges = { at: now, hosts: await store.listHosts() };
      return gauges.hosts;
    } catch {
      return null;
    }
  };

  let closing = false;
  let active = 0;
  let onIdle: (() => void) | null = null;
  const handle = createRequestHandler({
    store,
    log,
    clock,
    auth,
    writer,
    metrics,
    database,
    maxBodyBytes: config.maxBodyBytes,
    requestTimeoutMs: config.requestTimeoutMs,
    databaseTimeoutMs,
    hostGauges,
    closing: () => closing,
    registrations: createRateLimit(REGISTRATION_RATE),
  });

  const server = createServer({
    // Our own body timer answers 408 at requestTimeoutMs; node's request timeout is the backstop, and
    // its headers timeout cuts off clients that dribble headers (checked every connectionsCheckingInterval).
    headersTimeout: config.requestTimeoutMs,
    requestTimeout: config.requestTimeoutMs + 2_000,
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(config.requestTimeoutMs / 4))),
    noDelay: true,
  });
  server.keepAliveTimeout = 5_000;
  server.on('request', (req, res) => {
    active++;
    void handle(req, res).finally(() => {
      active--;
      if (active === 0) onIdle?.();
    });
  });

  await listenOn(server, listen);
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  log.info('monitor serve listening', { url, database: store.location });

  let closed: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Past this, a client that keeps a request open is cut off: shutdown must finish.
      const force = setTimeout(() => server.closeAllConnections(), config.requestTimeoutMs + databaseTimeoutMs + 1_000);
      if (active > 0) await new Promise<void>((resolve) => (onIdle = resolve));
      await writer.drain();
      // Sockets that answered their last request since close() began are idle now.
      server.closeIdleConnections();
      await stopped;
      clearTimeout(force);
      log.info('monitor serve stopped', { url });
    })();
    return closed;
  };

  return {
    url,
    port: address.port,
    metrics,
    auth,
    get activeRequests() {
      return active;
    },
    close,
  };
}

function listenOn(server: Server, listen: { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      const where = `${listen.host}:${listen.port}`;
      const reason = error.code === 'EADDRINUSE' ? 'address already in use' : error.code === 'EACCES' ? 'permission denied' : error.message;
      reject(
        new UnavailableError(`cannot listen on ${where}: ${reason}`, {
          hint: 'choose another address with --listen HOST:PORT or server.listen in the config',
          cause: error,
        }),
      );
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(listen.port, listen.host);
  });
}
