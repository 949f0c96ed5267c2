// The ingest API's routes and the one place that turns outcomes into HTTP answers:
//   POST /api/v1/reports  one report or {"reports": [...]}, Bearer host key -> 202 {"accepted","duplicates"}
//   POST /api/v1/register {"host_name"}, Bearer registration token -> 201 {"host_name","host_key"}
//   GET  /healthz         200 when the database answers, else 503
//   GET  /metrics         Prometheus text
// No log line per request: only failures that need an operator (500s, database outages) are logged.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, Logger } from '../context.js';
import { HostMismatchError, toSamples } from '../reports/ingest.js';
import { REPORTS_PATH } from '../reports/report.js';
import { InvalidReportError, parseReportsBody } from '../reports/validate.js';
import type { Store } from '../store/store.js';
import type { HostSummary } from '../store/types.js';
import type { KeyAuth } from './auth.js';
import type { BatchWriter } from './batch-writer.js';
import { checkDeclaredSize, readBody } from './body.js';
import { DatabaseStatus, isConflict, isUnavailable } from './database-status.js';
import { HttpError } from './http-error.js';
import type { RateLimit } from './rate-limit.js';
import { REGISTER_PATH, postRegister } from './register.js';
import { METRICS_CONTENT_TYPE, type ServerMetrics } from './metrics.js';
import { requireReadToken } from './read-token.js';

/** Seconds an agent is told to wait before retrying when the database is down. */
const RETRY_AFTER_SECONDS = 5;
/** …and after its write lost to other writers more times than the deadline allowed retries: soon. */
const CONFLICT_RETRY_AFTER_SECONDS = 1;

export interface RouteDeps {
  store: Store;
  log: Logger;
  clock: Clock;
  auth: KeyAuth;
  writer: BatchWriter;
  metrics: ServerMetrics;
  database: DatabaseStatus;
  maxBodyBytes: number;
  requestTimeoutMs: number;
  /** How long a request waits for the database before answering 503 (a late commit is harmless: re-sends are idempotent). */
  databaseTimeoutMs: number;
  /** The latest host list for the gauges (cached by the caller), or null when the database did not answer. */
  hostGauges(): Promise<HostSummary[] | null>;
  closing(): boolean;
  /** Paths this listener answers (server.metrics_listen splits them over two); default all. */
  paths?: ReadonlySet<string>;
  /** server.metrics_token: the bearer token /metrics requires, or null. */
  metricsToken?: string | null;
  /** The web dashboard (src/web): answers every path the ingest API does not own. Absent: 404 as before. */
  web?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Attempts per client address at POST /api/v1/register. */
  registrations: RateLimit;
}

/** The read endpoints, which server.metrics_listen moves to their own address. */
export const READ_PATHS: readonly string[] = ['/metrics', '/healthz'];
/** What the main listener keeps when they move (/healthz stays too: load balancers probe it there). */
export const INGEST_PATHS: readonly string[] = [REPORTS_PATH, '/healthz'];

const ROUTES: Record<string, string[]> = {
  [REPORTS_PATH]: ['POST'],
  [REGISTER_PATH]: ['POST'],
  '/healthz': ['GET', 'HEAD'],
  '/metrics': ['GET', 'HEAD'],
};

export function createRequestHandler(deps: RouteDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    try {
      const path = (req.url ?? '/').split('?', 1)[0]!;
      const methods = ROUTES[path];
      if (!methods && deps.web) return await deps.web(req, res);
      if (!methods || (deps.paths !== undefined && !deps.paths.has(path)))
        throw new HttpError(404, `no such endpoint: ${path.slice(0, 100)}`);
      if (!methods.includes(req.method ?? '')) {
        throw new HttpError(405, `${path} accepts ${methods.join(', ')}`, { headers: { allow: methods.join(', ') } });
      }
      if (path === REPORTS_PATH) await postReports(deps, req, res);
      else if (path === REGISTER_PATH) await postRegister(deps, req, res);
      else if (path === '/healthz') await healthz(deps, req, res);
      else await metrics(deps, req, res);
    } catch (error) {
      sendError(deps, req, res, error);
    }
  };
}

async function postReports(deps: RouteDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  checkContentType(req.headers['content-type']);
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw new HttpError(415, `Content-Encoding ${JSON.stringify(encoding.slice(0, 40))} is not supported; send plain JSON`);
  }
  // Refuse an oversized body before even looking at the key: the answer does not depend on it.
  checkDeclaredSize(req, deps.maxBodyBytes);
  const host =
    deps.auth.cachedHost(req.headers.authorization) ?? (await databaseCall(deps, deps.auth.authenticate(req.headers.authorization), false));
  const body = await readBody(req, { maxBytes: deps.maxBodyBytes, timeoutMs: deps.requestTimeoutMs });
  const now = deps.clock.now();
  const reports = parseReportsBody(parseJson(body), now);
  const samples = toSamples(host, reports, now);
  const result = await databaseCall(deps, deps.writer.submit(samples));
  deps.metrics.countReports(result.inserted, result.duplicates);
  sendJson(deps, req, res, 202, { accepted: result.inserted, duplicates: result.duplicates });
}

async function healthz(deps: RouteDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (deps.closing()) {
    // Tell load balancers to stop sending work here while in-flight reports are written.
    sendJson(deps, req, res, 503, { status: 'stopping', database: deps.database.up ? 'ok' : 'unavailable' });
    return;
  }
  await databaseCall(deps, deps.store.ping());
  sendJson(deps, req, res, 200, { status: 'ok', database: 'ok' });
}

async function metrics(deps: RouteDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  requireReadToken(req.headers, deps.metricsToken ?? null);
  // Count this scrape before rendering so the numbers it shows include it, like every later scrape will.
  const status = 200;
  deps.metrics.countRequest(status);
  // Within the database deadline like every other database call: a hung database must not hang the
  // scrape (Prometheus would see the target down, not the database); it shows as database_up 0.
  const hosts = await databaseCall(deps, deps.hostGauges(), false).catch(() => null);
  const text = deps.metrics.render(hosts);
  send(deps, req, res, status, METRICS_CONTENT_TYPE, text, {}, false);
}

export function checkContentType(value: string | undefined): void {
  if (value === undefined) return;
  const mime = value.split(';', 1)[0]!.trim().toLowerCase();
  // `curl -d` labels its body application/x-www-form-urlencoded unless told otherwise; DESIGN.md
  // promises that a plain `curl -d '{...}'` is an agent, so that label is taken as JSON too.
  if (mime === 'application/json' || mime.endsWith('+json') || mime === 'application/x-www-form-urlencoded') return;
  throw new HttpError(415, `Content-Type must be application/json, got ${JSON.stringify(value.slice(0, 100))}`);
}

export function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    // An empty or blank body fails to parse too; telling it apart only then spares every good body a trimmed copy.
    if (text.trim() === '') throw new InvalidReportError('body', 'is empty; expected a JSON report or {"reports": [...]}');
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidReportError('body', `is not valid JSON (${reason.length > 120 ? `${reason.slice(0, 120)}…` : reason})`);
  }
}

/**
 * A database round trip with a deadline: an unreachable database must not hold agents' requests open.
 * Every request's database calls go through here, the dashboard's too, so one DatabaseStatus says
 * whether the database is up (logged on each change, shown by /healthz while stopping).
 * `reachedDatabase`: success proves the database is up (a key lookup may have come from the cache).
 */
export async function databaseCall<T>(
  deps: Pick<RouteDeps, 'database' | 'databaseTimeoutMs'>,
  work: Promise<T>,
  reachedDatabase = true,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut: HttpError | null = null;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = new HttpError(503, 'database unavailable', { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } });
      reject(timedOut);
    }, deps.databaseTimeoutMs);
  });
  try {
    const result = await Promise.race([work, deadline]);
    if (reachedDatabase) deps.database.ok();
    return result;
  } catch (error) {
    if (error === timedOut) deps.database.failed(new Error(`no answer within ${deps.databaseTimeoutMs} ms`));
    else if (isUnavailable(error)) deps.database.failed(error);
    throw error;
  } finally {
    clearTimeout(timer);
    // The losing side of the race may still reject later; that is already answered, not unhandled.
    work.catch(() => undefined);
  }
}

/**
 * The answer an error thrown while handling a request gets, for the ingest API and the dashboard alike;
 * null for a bug (500 'internal error'), which the caller logs.
 */
export function errorAnswer(error: unknown): { status: number; message: string; headers: Record<string, string>; close: boolean } | null {
  if (error instanceof HttpError)
    return { status: error.status, message: error.message, headers: error.headers, close: error.closeConnection };
  if (error instanceof InvalidReportError) return { status: 400, message: error.message, headers: {}, close: false };
  if (error instanceof HostMismatchError) return { status: 403, message: error.message, headers: {}, close: false };
  // Not an outage (nothing logged, /healthz unaffected): the database is busy with other writers.
  if (isConflict(error))
    return {
      status: 503,
      message: 'write conflict with other writers; try again',
      headers: { 'retry-after': String(CONFLICT_RETRY_AFTER_SECONDS) },
      close: false,
    };
  if (isUnavailable(error))
    return { status: 503, message: 'database unavailable', headers: { 'retry-after': String(RETRY_AFTER_SECONDS) }, close: false };
  return null;
}

/**
 * Whether to close the connection after an error answer, for the ingest API and the dashboard alike:
 * when the error says so, or when the request body was not read to its end (the client may still be
 * sending it, and the next request on that connection would start in the middle of it).
 */
export function closesConnection(req: IncomingMessage, answer: { close: boolean } | null): boolean {
  return (answer?.close ?? false) || !req.complete;
}

function sendError(deps: RouteDeps, req: IncomingMessage, res: ServerResponse, error: unknown): void {
  const answer = errorAnswer(error);
  if (!answer) {
    deps.log.error('request failed', {
      method: req.method,
      path: req.url,
      error: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
  }
  const { status, message, headers } = answer ?? { status: 500, message: 'internal error', headers: {} };
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body: Record<string, unknown> = { error: message };
  if (status === 503 && req.url?.startsWith('/healthz')) Object.assign(body, { status: 'error', database: 'unavailable' });
  sendJson(deps, req, res, status, body, headers, closesConnection(req, answer));
}

export function sendJson(
  deps: RouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  close = false,
): void {
  deps.metrics.countRequest(status);
  send(deps, req, res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers, close);
}

function send(
  deps: RouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  contentType: string,
  payload: string,
  headers: Record<string, string>,
  close: boolean,
): void {
  // One writeHead with every header: cheaper than a setHeader per header on the hot path. The body
  // stays a string: node then sends head and body as one string write, not a writev of two buffers.
  const all: Record<string, string | number> = {
    'content-type': contentType,
    'content-length': Buffer.byteLength(payload, 'utf8'),
    'cache-control': 'no-store',
    ...headers,
  };
  if (close || deps.closing()) all.connection = 'close';
  res.writeHead(status, all);
  res.end(req.method === 'HEAD' ? undefined : payload);
}
