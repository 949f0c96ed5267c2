// `monitor serve`'s HTTP server: node:http with keep-alive, the routes, group commit, and a graceful
// close that stops accepting, lets in-flight requests finish (their batch commits), and closes idle
// keep-alive sockets. The caller owns the store (and closes it after close()) and wires signals.

import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock, type Logger } from '../context.js';
import { ConfigError, UnavailableError } from '../errors.js';
import type { ServerConfig } from '../config/types.js';
import type { Store } from '../store/store.js';
import type { HostSummary } from '../store/types.js';
import { createKeyAuth, type KeyAuth } from './auth.js';
import { BatchWriter } from './batch-writer.js';
import { DatabaseStatus } from './database-status.js';
import { LastSeenRefresher } from './last-seen.js';
import { ServerMetrics } from './metrics.js';
import { createRequestHandler, INGEST_PATHS, READ_PATHS } from './routes.js';
import { createRateLimit } from './rate-limit.js';

export interface StartServerOptions {
  store: Store;
  config: ServerConfig;
  log: Logger;
  clock?: Clock;
  /** Overrides config.listen (e.g. `serve --listen`); port 0 picks a free port. */
  listen?: { host: string; port: number };
  /** Overrides config.dashboardListen (tests: port 0). */
  dashboardListen?: { host: string; port: number };
  /**
   * The outbox channels of the configured notifiers (configuredChannels(config.notify)): an alert
   * closed from the dashboard is queued on these, as `monitor alerts close` does. Default: none.
   */
  notifyChannels?: readonly string[];
  /** How long a request waits for the database before a 503. Default: max(config.requestTimeoutMs, 5 s). */
  databaseTimeoutMs?: number;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080 (https:// with server.tls) */
  url: string;
  /** Where the dashboard answers (url, or server.dashboard_listen's), or null with server.dashboard: false. */
  dashboardUrl: string | null;
  port: number;
  /** Where /metrics is served when server.metrics_listen moves it, else null (it is on `url`). */
  metricsUrl: string | null;
  /**
   * Re-reads server.tls's certificate and key (SIGHUP): new connections get the new certificate.
   * A file that cannot be read or does not match keeps the old one, and is logged. No-op without TLS.
   */
  reloadTls(): boolean;
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

/** Refused registrations per client address a minute; past this it is guessing or looping (accepted ones are free). */
const REGISTRATION_RATE = { perWindow: 10, windowMs: 60_000 };

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { store, config, log } = options;
  const clock = options.clock ?? systemClock;
  const listen = options.listen ?? config.listen;
  const databaseTimeoutMs = options.databaseTimeoutMs ?? Math.max(config.requestTimeoutMs, 5_000);

  const metrics = new ServerMetrics();
  const database = new DatabaseStatus(log);
  const auth = createKeyAuth({ store, clock });
  const lastSeen = new LastSeenRefresher({ store, log });
  const writer = new BatchWriter({
    store,
    // Conflicts (another serve wrote the same rows on another node) are retried, but not past the
    // point where the agent has been told 503 anyway.
    retryWithinMs: databaseTimeoutMs,
    onSeen: (hostId, at) => lastSeen.seen(hostId, at),
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

  // ---- the web dashboard (src/web), on the same address or on server.dashboard_listen ----
  const dashboard = config.dashboard !== false;
  const dashboardListen = dashboard ? (options.dashboardListen ?? config.dashboardListen ?? null) : null;
  const dashboardHandler = async (host: string): Promise<(req: IncomingMessage, res: ServerResponse) => Promise<void>> => {
    const { createWebHandler } = await import('../web/handler.js');
    // `server.tls` (when serve speaks TLS) makes the session cookie Secure.
    const secure = config.tls !== null;
    return createWebHandler({
      store,
      log,
      clock,
      config,
      listenHost: host,
      secure,
      databaseTimeoutMs,
      database,
      requestTimeoutMs: config.requestTimeoutMs,
      notifyChannels: options.notifyChannels ?? [],
    });
  };

  let closing = false;
  let active = 0;
  let onIdle: (() => void) | null = null;
  const routeDeps = {
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
    metricsToken: config.metricsToken,
    registrations: createRateLimit(REGISTRATION_RATE),
  };
  const split = config.metricsListen !== null;
  const web = dashboard && !dashboardListen ? await dashboardHandler(listen.host) : undefined;
  const handle = createRequestHandler({ ...routeDeps, ...(web ? { web } : {}), ...(split ? { paths: new Set(INGEST_PATHS) } : {}) });
  const handleRead = split ? createRequestHandler({ ...routeDeps, paths: new Set(READ_PATHS) }) : null;

  const tls = config.tls;
  const makeServer = (handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Server | HttpsServer => {
    const options: ServerOptions = {
      // Our own body timer answers 408 at requestTimeoutMs; node's request timeout is the backstop, and
      // its headers timeout cuts off clients that dribble headers (checked every connectionsCheckingInterval).
      headersTimeout: config.requestTimeoutMs,
      requestTimeout: config.requestTimeoutMs + 2_000,
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(config.requestTimeoutMs / 4))),
      noDelay: true,
    };
    const server = tls ? httpsServer(options, tls) : createServer(options);
    server.keepAliveTimeout = 5_000;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      active++;
      void handler(req, res).finally(() => {
        active--;
        if (active === 0) onIdle?.();
      });
    });
    return server;
  };

  const server = makeServer(handle);
  const readServer = handleRead ? makeServer(handleRead) : null;
  const servers = readServer ? [server, readServer] : [server];
  await listenOn(server, listen);
  if (readServer) {
    try {
      await listenOn(readServer, config.metricsListen!, 'server.metrics_listen');
    } catch (error) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw error;
    }
  }
  const url = urlOf(server, tls !== null);
  const metricsUrl = readServer ? urlOf(readServer, tls !== null) : null;
  log.info('monitor serve listening', { url, ...(metricsUrl ? { metrics: metricsUrl } : {}), database: store.location });

  const reloadTls = (): boolean => {
    if (!tls) return false;
    try {
      const files = readTlsFiles(tls);
      for (const each of servers) (each as HttpsServer).setSecureContext(files);
      log.info('TLS certificate reloaded', { cert: tls.certFile });
      return true;
    } catch (error) {
      log.error('TLS certificate not reloaded; the old one stays in use', {
        error: error instanceof Error ? error.message : String(error),
      });
      return false;
    }
  };

  let dashboardServer: Server | HttpsServer | null = null;
  let dashboardUrl = dashboard ? url : null;
  if (dashboardListen) {
    // Its own listener, with serve's timeouts and TLS; requests are counted so close() waits for them.
    dashboardServer = makeServer(await dashboardHandler(dashboardListen.host));
    try {
      await listenOn(dashboardServer, dashboardListen);
    } catch (error) {
      server.close();
      server.closeAllConnections();
      throw error;
    }
    const at = dashboardServer.address() as AddressInfo;
    dashboardUrl = `http://${at.family === 'IPv6' ? `[${at.address}]` : at.address}:${at.port}`;
    log.info('monitor serve dashboard listening', { url: dashboardUrl });
  }

  let closed: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      if (dashboardServer) {
        const web = dashboardServer;
        await new Promise<void>((resolve) => {
          web.close(() => resolve());
          web.closeAllConnections();
        });
      }
      const stopped = Promise.all(servers.map((each) => new Promise<void>((resolve) => each.close(() => resolve()))));
      for (const each of servers) each.closeIdleConnections();
      // Past this, a client that keeps a request open is cut off: shutdown must finish.
      const force = setTimeout(
        () => {
          for (const each of servers) each.closeAllConnections();
        },
        config.requestTimeoutMs + databaseTimeoutMs + 1_000,
      );
      if (active > 0) await new Promise<void>((resolve) => (onIdle = resolve));
      await writer.drain();
      await lastSeen.close();
      // Sockets that answered their last request since close() began are idle now.
      for (const each of servers) each.closeIdleConnections();
      await stopped;
      clearTimeout(force);
      log.info('monitor serve stopped', { url });
    })();
    return closed;
  };

  return {
    url,
    dashboardUrl,
    port: (server.address() as AddressInfo).port,
    metricsUrl,
    reloadTls,
    metrics,
    auth,
    get activeRequests() {
      return active;
    },
    close,
  };
}

function urlOf(server: Server | HttpsServer, https: boolean): string {
  const address = server.address() as AddressInfo;
  return `${https ? 'https' : 'http'}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}

function httpsServer(options: ServerOptions, tls: { certFile: string; keyFile: string }): HttpsServer {
  const files = readTlsFiles(tls);
  try {
    return createHttpsServer({ ...options, ...files });
  } catch (error) {
    // Not PEM, or a key that does not belong to the certificate.
    const message = `${tls.certFile} and ${tls.keyFile} are not a usable certificate and key (${(error as Error).message})`;
    throw new ConfigError([{ key: 'server.tls', message, file: null, line: null }], { cause: error });
  }
}

/** The PEM files of server.tls; a missing or unreadable one is a config problem (exit 2). */
function readTlsFiles(tls: { certFile: string; keyFile: string }): { cert: Buffer; key: Buffer } {
  const read = (file: string, key: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new ConfigError([{ key, message: `cannot read ${file} (${code})`, file: null, line: null }], { cause: error });
    }
  };
  return { cert: read(tls.certFile, 'server.tls.cert'), key: read(tls.keyFile, 'server.tls.key') };
}

function listenOn(server: Server | HttpsServer, listen: { host: string; port: number }, setting = 'server.listen'): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      const where = `${listen.host}:${listen.port}`;
      const reason = error.code === 'EADDRINUSE' ? 'address already in use' : error.code === 'EACCES' ? 'permission denied' : error.message;
      reject(
        new UnavailableError(`cannot listen on ${where}: ${reason}`, {
          hint:
            setting === 'server.listen'
              ? 'choose another address with --listen HOST:PORT or server.listen in the config'
              : `choose another address in ${setting}`,
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
