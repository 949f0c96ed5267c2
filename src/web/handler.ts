// The dashboard's routes, mounted by src/server/routes.ts for every path the ingest API does not own
// (so nothing is added to the ingest route's work):
//   GET  /                       fleet            GET /api/v1/hosts                 JSON
//   GET  /hosts/NAME             one host         GET /api/v1/hosts/NAME            JSON
//   GET  /alerts                 alerts           GET /api/v1/hosts/NAME/samples    JSON (downsampled)
//   POST /alerts/ID/ack          ack (CSRF)       GET /api/v1/alerts                JSON
//   POST /alerts/ID/close        close (CSRF; optional reason), as `monitor alerts close`
//   GET/POST /login, POST /logout, GET /assets/*
// Pages take ?fragment=1 and then answer only their live region: the script polls that.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, Logger } from '../context.js';
import { ConflictError, NotFoundError, UsageError } from '../errors.js';
import type { ServerConfig } from '../config/types.js';
import { parseDuration } from '../time/duration.js';
import { parseZonedTime } from '../time/zoned-time.js';
import type { Store } from '../store/store.js';
import { HttpError } from '../server/http-error.js';
import { readBody } from '../server/body.js';
import type { DatabaseStatus } from '../server/database-status.js';
import { closesConnection, databaseCall, errorAnswer } from '../server/routes.js';
import type { AlertFilter } from '../store/types.js';
import { createAccess, type Principal } from './access.js';
import { loadAsset } from './assets.js';
import { HOST_STATES, type HostState } from './host-state.js';
import { html, type Html } from './html.js';
import { alertsBody, alertsLive, type AlertsQuery } from './pages/alerts.js';
import { FLEET_PAGE_SIZE, fleetBody, fleetLive } from './pages/fleet.js';
import { hostBody, hostLive, RANGES } from './pages/host.js';
import { page } from './pages/layout.js';
import { loginBody } from './pages/login.js';
import { loadAlerts, loadFleet, loadHost, loadSeries, MAX_SERIES_SPAN_MS } from './views.js';

/** Seconds between the pages' live refreshes. */
export const REFRESH_SECONDS = 5;
const MAX_FORM_BYTES = 8 * 1024;
const MAX_API_HOSTS = 10_000;

export interface WebDeps {
  store: Store;
  log: Logger;
  clock: Clock;
  config: ServerConfig;
  /** The address the dashboard listens on: beyond loopback, a login is required. */
  listenHost: string;
  /** Served over TLS: cookies get Secure. */
  secure: boolean;
  databaseTimeoutMs: number;
  /** The server's one view of the database: a dashboard call that times out or is refused marks it down, as the API's do. */
  database: DatabaseStatus;
  /** server.request_timeout: a form body not received within it is answered 408, as on the ingest API. */
  requestTimeoutMs: number;
  /** Outbox channels of the configured notifiers: a Close is announced on them, as by the CLI. */
  notifyChannels?: readonly string[];
}

export function createWebHandler(deps: WebDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const access = createAccess({ store: deps.store, config: deps.config, listenHost: deps.listenHost, now: () => deps.clock.now() });
  if (access.loginRequired && Object.keys(deps.config.users ?? {}).length === 0) {
    deps.log.warn(
      'the dashboard listens beyond loopback and needs a signed-in user, but none is configured: add one with `monitor users add NAME`',
    );
  }

  // The API's deadline and database status. Who is signed in, and a sign-in, are answered from the
  // cached session secret once it is read: their success does not prove the database is up.
  const withDeadline = <T>(work: Promise<T>, reachedDatabase = true): Promise<T> => databaseCall(deps, work, reachedDatabase);

  // The ingest API's body reader, with the form's own size limit: 413 as soon as the declared or
  // streamed size is over it, 408 when the form stalls, and the connection closed after either.
  const readForm = async (req: IncomingMessage): Promise<URLSearchParams> =>
    new URLSearchParams((await readBody(req, { maxBytes: MAX_FORM_BYTES, timeoutMs: deps.requestTimeoutMs })).toString('utf8'));

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const path = url.pathname;
    const isApi = path.startsWith('/api/');
    try {
      const method = req.method ?? 'GET';
      if (path.startsWith('/assets/')) return await asset(req, res, path.slice('/assets/'.length));
      if (path === '/login') {
        if (method === 'POST') return await postLogin(req, res);
        allow(method, ['GET', 'HEAD']);
        return sendHtml(
          req,
          res,
          200,
          page({ title: 'Sign in', active: 'login', principal: null, body: loginBody(safeNext(url.searchParams.get('next')), null) }),
        );
      }
      const principal = await withDeadline(access.identify(req), false);
      if (path === '/logout') {
        allow(method, ['POST']);
        const form = await readForm(req);
        if (principal === null || !access.csrfOk(req, principal, form.get('csrf') ?? undefined))
          throw new HttpError(403, 'forged or expired request');
        return redirect(res, '/login', { 'set-cookie': access.logoutCookie(deps.secure) });
      }
      if (principal === null || (principal.kind === 'token' && !(isApi && (method === 'GET' || method === 'HEAD')))) {
        if (isApi || method !== 'GET') throw new HttpError(401, 'sign in first, or send a read-only API token (Authorization: Bearer …)');
        return redirect(res, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);
      }
      const act = /^\/alerts\/([0-9]{1,15})\/(ack|close)$/.exec(path);
      if (act) {
        allow(method, ['POST']);
        if (act[2] === 'close') return await postClose(req, res, principal, Number(act[1]));
        return await postAck(req, res, principal, Number(act[1]));
      }
      allow(method, ['GET', 'HEAD']);
      if (isApi) return await api(req, res, url);
      if (path === '/') return await fleetPage(req, res, url, principal);
      if (path === '/alerts') return await alertsPage(req, res, url, principal);
      const host = /^\/hosts\/([^/]+)$/.exec(path);
      if (host) return await hostPage(req, res, url, principal, decodeURIComponent(host[1]!));
      throw new HttpError(404, `no such page: ${path.slice(0, 100)}`);
    } catch (error) {
      answerError(req, res, isApi, error);
    }
  };

  async function asset(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const found = loadAsset(name);
    if (!found) throw new HttpError(404, 'no such asset');
    const { type, body } = await found;
    res.writeHead(200, {
      'content-type': type,
      'content-length': body.length,
      'cache-control': 'public, max-age=3600',
      'x-content-type-options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  async function postLogin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    const next = safeNext(form.get('next'));
    const result = await withDeadline(
      access.login(form.get('user') ?? '', form.get('password') ?? '', req.socket.remoteAddress ?? '', deps.secure),
      false,
    );
    if ('cookie' in result) return redirect(res, next, { 'set-cookie': result.cookie });
    const status = result.retryAfterSeconds === undefined ? 401 : 429;
    const headers: Record<string, string> =
      result.retryAfterSeconds === undefined ? {} : { 'retry-after': String(result.retryAfterSeconds) };
    sendHtml(req, res, status, page({ title: 'Sign in', active: 'login', principal: null, body: loginBody(next, result.error) }), headers);
  }

  async function postAck(req: IncomingMessage, res: ServerResponse, principal: Principal, alertId: number): Promise<void> {
    const form = await readForm(req);
    if (!access.csrfOk(req, principal, form.get('csrf') ?? req.headers['x-csrf-token']?.toString()))
      throw new HttpError(403, 'forged or expired request: reload the page and try again');
    const alert = await withDeadline(deps.store.acknowledgeAlert(alertId, deps.clock.now()));
    if (!alert) throw new HttpError(404, `no alert #${alertId}`);
    deps.log.info('alert acknowledged from the dashboard', { alert_id: alertId, by: principal.kind === 'user' ? principal.name : 'local' });
    redirect(res, safeNext(form.get('next') ?? '/alerts'));
  }

  // The same closeAlertByHand as `monitor alerts close`: one transaction, resolve message "closed
  // by hand: REASON", the announcement queued in the outbox for the next `monitor check` to send.
  async function postClose(req: IncomingMessage, res: ServerResponse, principal: Principal, alertId: number): Promise<void> {
    const form = await readForm(req);
    if (!access.csrfOk(req, principal, form.get('csrf') ?? req.headers['x-csrf-token']?.toString()))
      throw new HttpError(403, 'forged or expired request: reload the page and try again');
    const { closeAlertByHand, closeReasonText } = await import('../alerts/close-alerts.js');
    const by = principal.kind === 'user' ? principal.name : 'local';
    try {
      // An empty reason field means no reason (the CLI's --reason '' is a mistake; a blank box is not).
      const typed = form.get('reason');
      const reason = closeReasonText(typed === null || typed.trim() === '' ? null : typed, 'reason');
      await withDeadline(closeAlertByHand(deps.store, alertId, reason, { now: deps.clock.now(), channels: deps.notifyChannels ?? [] }));
    } catch (error) {
      if (error instanceof NotFoundError) throw new HttpError(404, `no alert #${alertId}`);
      if (error instanceof ConflictError) throw new HttpError(409, error.message);
      if (error instanceof UsageError) throw new HttpError(400, error.message);
      throw error;
    }
    deps.log.info('alert closed from the dashboard', { alert_id: alertId, by });
    redirect(res, safeNext(form.get('next') ?? '/alerts'));
  }

  async function fleetPage(req: IncomingMessage, res: ServerResponse, url: URL, principal: Principal): Promise<void> {
    const now = deps.clock.now();
    const q = url.searchParams.get('q') ?? '';
    const state = parseState(url.searchParams.get('state')) ?? '';
    const pageNo = Math.max(1, Math.floor(Number(url.searchParams.get('page') ?? 1)) || 1);
    const fleet = await withDeadline(
      loadFleet(
        deps.store,
        { q, state: state === '' ? undefined : state, limit: FLEET_PAGE_SIZE, offset: (pageNo - 1) * FLEET_PAGE_SIZE },
        now,
      ),
    );
    const query = { q, state, page: pageNo };
    if (url.searchParams.get('fragment') === '1') return sendHtml(req, res, 200, fleetLive(fleet, query, now));
    const bad = fleet.counts.CRIT + fleet.counts.SILENT;
    sendHtml(
      req,
      res,
      200,
      page({
        title: bad > 0 ? `(${bad}) Fleet` : 'Fleet',
        active: 'fleet',
        principal,
        body: fleetBody(fleet, query, now),
        refreshSeconds: REFRESH_SECONDS,
      }),
    );
  }

  async function hostPage(req: IncomingMessage, res: ServerResponse, url: URL, principal: Principal, name: string): Promise<void> {
    const now = deps.clock.now();
    const host = await withDeadline(loadHost(deps.store, name, now));
    if (!host) throw new HttpError(404, `no host '${name.slice(0, 100)}'`);
    if (url.searchParams.get('fragment') === '1') return sendHtml(req, res, 200, hostLive(host, principal, now));
    const range = (RANGES as readonly string[]).includes(url.searchParams.get('range') ?? '') ? url.searchParams.get('range')! : '6h';
    const head = html`<link rel="stylesheet" href="/assets/uplot.css" />
      <script src="/assets/uplot.js" defer></script>`;
    sendHtml(
      req,
      res,
      200,
      page({
        title: host.host_name,
        active: 'host',
        principal,
        head,
        body: hostBody(host, range, principal, now),
        refreshSeconds: REFRESH_SECONDS,
      }),
    );
  }

  async function alertsPage(req: IncomingMessage, res: ServerResponse, url: URL, principal: Principal): Promise<void> {
    const now = deps.clock.now();
    const query: AlertsQuery = {
      host: url.searchParams.get('host') ?? '',
      check: url.searchParams.get('check') ?? '',
      status: url.searchParams.get('status') ?? 'all',
      since: url.searchParams.get('since') ?? '',
    };
    let error: string | null = null;
    let filter: AlertFilter;
    try {
      filter = alertFilter(url.searchParams, now);
    } catch (problem) {
      if (!(problem instanceof HttpError)) throw problem;
      error = problem.message;
      filter = { status: 'all', limit: 200 };
    }
    const alerts = await withDeadline(loadAlerts(deps.store, { limit: 200, ...filter }, now));
    const next = url.pathname + url.search.replace(/[?&]fragment=1/, '');
    if (url.searchParams.get('fragment') === '1') return sendHtml(req, res, 200, alertsLive(alerts, principal, next));
    const body = alertsBody(alerts, query, principal, next, error);
    sendHtml(req, res, 200, page({ title: 'Alerts', active: 'alerts', principal, body, refreshSeconds: REFRESH_SECONDS }));
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const now = deps.clock.now();
    const path = url.pathname;
    const params = url.searchParams;
    if (path === '/api/v1/hosts') {
      const state = params.get('state');
      const parsedState = state === null ? undefined : parseState(state);
      if (state !== null && parsedState === null)
        throw new HttpError(400, `state: expected one of ${HOST_STATES.join(', ')}, got '${state.slice(0, 20)}'`);
      const limit = intParam(params, 'limit', 1_000, 1, MAX_API_HOSTS);
      const offset = intParam(params, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
      return sendJson(
        req,
        res,
        200,
        await withDeadline(loadFleet(deps.store, { q: params.get('q') ?? undefined, state: parsedState ?? undefined, limit, offset }, now)),
      );
    }
    if (path === '/api/v1/alerts') {
      return sendJson(req, res, 200, { alerts: await withDeadline(loadAlerts(deps.store, alertFilter(params, now), now)) });
    }
    const samples = /^\/api\/v1\/hosts\/([^/]+)\/samples$/.exec(path);
    if (samples) {
      const name = decodeURIComponent(samples[1]!);
      const host = await withDeadline(deps.store.findHostByName(name));
      if (!host) throw new HttpError(404, `no host '${name.slice(0, 100)}'`);
      const to = timeParam(params, 'to', now) ?? now;
      const from = timeParam(params, 'from', now) ?? new Date(to.getTime() - 6 * 3_600_000);
      if (from >= to) throw new HttpError(400, 'from: must be before to');
      if (to.getTime() - from.getTime() > MAX_SERIES_SPAN_MS) throw new HttpError(400, 'from: the window may span at most 400 days');
      const stepText = params.get('step');
      let stepMs: number | null = null;
      if (stepText !== null) {
        stepMs = /^[0-9]+$/.test(stepText) ? Number(stepText) * 1000 : parseDuration(stepText);
        if (stepMs === null || stepMs < 1000)
          throw new HttpError(400, `step: expected seconds or a duration such as 5m, got '${stepText.slice(0, 20)}'`);
      }
      return sendJson(req, res, 200, await withDeadline(loadSeries(deps.store, host, { from, to, stepMs })));
    }
    const one = /^\/api\/v1\/hosts\/([^/]+)$/.exec(path);
    if (one) {
      const name = decodeURIComponent(one[1]!);
      const host = await withDeadline(loadHost(deps.store, name, now));
      if (!host) throw new HttpError(404, `no host '${name.slice(0, 100)}'`);
      return sendJson(req, res, 200, host);
    }
    throw new HttpError(404, `no such endpoint: ${path.slice(0, 100)}`);
  }

  function answerError(req: IncomingMessage, res: ServerResponse, isApi: boolean, error: unknown): void {
    const answer = errorAnswer(error);
    if (!answer)
      deps.log.error('dashboard request failed', {
        method: req.method,
        path: req.url,
        error: error instanceof Error ? error.message : String(error),
        stack: error instanceof Error ? error.stack : undefined,
      });
    const { status, message } = answer ?? { status: 500, message: 'internal error' };
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const headers: Record<string, string> = { ...answer?.headers, ...(closesConnection(req, answer) ? { connection: 'close' } : {}) };
    if (isApi) return sendJson(req, res, status, { error: message }, headers);
    sendHtml(
      req,
      res,
      status,
      page({
        title: String(status),
        active: 'fleet',
        principal: null,
        body: html`<h1>${status}</h1>
          <p class="error">${message}</p>
          <p><a href="/">Back to the fleet</a></p>`,
      }),
      headers,
    );
  }
}

function parseState(text: string | null): HostState | null {
  if (text === null || text === '') return null;
  const upper = text.toUpperCase();
  return (HOST_STATES as readonly string[]).includes(upper) ? (upper as HostState) : null;
}

function intParam(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const text = params.get(name);
  if (text === null) return fallback;
  if (!/^[0-9]{1,15}$/.test(text) || Number(text) < min || Number(text) > max)
    throw new HttpError(400, `${name}: expected a whole number from ${min} to ${max}, got '${text.slice(0, 20)}'`);
  return Number(text);
}

/** An ISO-8601 time with a zone, or a duration meaning that long before now (`from=24h`). */
function timeParam(params: URLSearchParams, name: string, now: Date): Date | null {
  const text = params.get(name);
  if (text === null || text === '') return null;
  const at = parseZonedTime(text);
  if (at) return at;
  const ago = /^[0-9]/.test(text) ? parseDuration(text) : null;
  if (ago !== null && !/^[0-9]+$/.test(text)) return new Date(now.getTime() - ago);
  throw new HttpError(
    400,
    `${name}: expected an ISO-8601 time with a zone (2026-12-07T10:00:00Z) or a duration before now (24h), got '${text.slice(0, 40)}'`,
  );
}

function alertFilter(params: URLSearchParams, now: Date): AlertFilter {
  const status = params.get('status') ?? 'all';
  if (!['open', 'resolved', 'all'].includes(status))
    throw new HttpError(400, `status: expected open, resolved or all, got '${status.slice(0, 20)}'`);
  const sinceText = params.get('since');
  let since: Date | undefined;
  if (sinceText !== null && sinceText !== '') {
    const ms = parseDuration(sinceText);
    const at = ms === null ? parseZonedTime(sinceText) : new Date(now.getTime() - ms);
    if (at === null) throw new HttpError(400, `since: expected a duration (24h) or an ISO-8601 time, got '${sinceText.slice(0, 40)}'`);
    since = at;
  }
  return {
    status: status as AlertFilter['status'],
    hostName: params.get('host') || undefined,
    checkKey: params.get('check') || undefined,
    since,
    limit: intParam(params, 'limit', 200, 1, 10_000),
  };
}

function allow(method: string, methods: string[]): void {
  if (!methods.includes(method)) throw new HttpError(405, `accepts ${methods.join(', ')}`, { headers: { allow: methods.join(', ') } });
}

/** Only a local path: a `next` pointing elsewhere would make the login page an open redirect. */
function safeNext(next: string | null | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
};

function sendHtml(req: IncomingMessage, res: ServerResponse, status: number, body: Html, headers: Record<string, string> = {}): void {
  const text = body.text;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...SECURITY_HEADERS,
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}

function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(303, { location, 'content-length': 0, 'cache-control': 'no-store', ...headers });
  res.end();
}
