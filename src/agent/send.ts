// Posts reports to `monitor serve` and says what became of them, in the three outcomes the spool
// cares about: acknowledged (forget them), refused (sending again cannot help), or not reached
// (keep them and try again next run).
//
// Acknowledged means the ingest API's own answer: a 2xx whose JSON counts every report sent
// (accepted + duplicates). A wrong server.url can reach any web server that answers 200 to
// anything (a default nginx page, a login portal); counting that as an acknowledgement would empty
// the spool into nowhere. So any other 2xx keeps the reports, as an unreachable server does.

import { ConfigError } from '../errors.js';
import { REPORTS_PATH, toWireReport, type Report, type WireReport } from '../reports/report.js';
import { errnoCode } from './errno.js';
import { snippet } from '../text/snippet.js';

const MAX_ANSWER_BYTES = 64 * 1024;

/** The server's 202 body. */
interface AcceptedBody {
  accepted: number;
  duplicates: number;
}

export type SendResult =
  /** The ingest API's 2xx with counts for every report sent: it committed them (or already had them). */
  | { kind: 'accepted'; body: AcceptedBody }
  /** 4xx other than 408/429, or a redirect: the server refused; `message` is its `error` text. */
  | { kind: 'rejected'; status: number; message: string }
  /** Connection refused or reset, DNS failure, timeout, 5xx, 408, 429, a 2xx that is not the ingest API's: try again later. */
  | { kind: 'unavailable'; reason: string };

export interface SendOptions {
  serverUrl: string;
  hostKey: string;
  reports: readonly (Report | WireReport)[];
  /** For the whole exchange, response body included. */
  timeoutMs: number;
  /** PEM of a CA trusted besides the system's (agent.ca_file), for an https:// server. */
  ca?: string | null;
}

export async function sendReports(options: SendOptions): Promise<SendResult> {
  const url = reportsEndpoint(options.serverUrl);
  const reports = options.reports.map((report) => ('hostName' in report ? toWireReport(report) : report));
  const shown = shownUrl(url);
  const exchange = await post(url, shown, options.hostKey, JSON.stringify({ reports }), options.timeoutMs, options.ca ?? null);
  if ('failure' in exchange) return { kind: 'unavailable', reason: exchange.failure };
  const { status, text } = exchange;
  if (status >= 200 && status < 300) {
    const body = parseAccepted(text);
    if (body && body.accepted + body.duplicates === reports.length) return { kind: 'accepted', body };
    return { kind: 'unavailable', reason: notAnAcknowledgement(shown, status, exchange.contentType, text, body, reports.length) };
  }
  if (status >= 500 || status === 408 || status === 429) {
    const message = errorMessage(text);
    return { kind: 'unavailable', reason: `${shown} answered ${status}${message ? `: ${message}` : ''}` };
  }
  if (status >= 300 && status < 400) {
    // Following it would turn the POST into a GET and lose the body: say where to point instead.
    return {
      kind: 'rejected',
      status,
      message: `${shown} redirects (${status})${exchange.location ? ` to ${shownUrl(exchange.location)}` : ''}; set the server URL to where it points`,
    };
  }
  return { kind: 'rejected', status, message: errorMessage(text) ?? `HTTP ${status}` };
}

type Exchange = { status: number; text: string; location: string | null; contentType: string | null } | { failure: string };

/**
 * One POST with a deadline for the whole exchange, response body included. node:http rather than
 * fetch: fetch loads undici on first use, which costs a cron run ~60 ms more CPU than this.
 * No keep-alive agent: a collect run sends a few requests and exits, and an idle pooled socket
 * would only hold the process open.
 */
export async function post(
  url: string,
  shown: string,
  hostKey: string,
  body: string,
  timeoutMs: number,
  ca: string | null,
): Promise<Exchange> {
  const https = url.startsWith('https:');
  const client = https ? await import('node:https') : await import('node:http');
  // The system's CAs stay trusted: agent.ca_file adds a private CA, it does not replace them.
  const trust = https && ca !== null ? { ca: [...(await import('node:tls')).rootCertificates, ca] } : {};
  return new Promise<Exchange>((resolve) => {
    let settled = false;
    const settle = (exchange: Exchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(exchange);
    };
    const request = client.request(url, {
      method: 'POST',
      agent: false,
      ...trust,
      headers: {
        authorization: `Bearer ${hostKey}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    });
    const timer = setTimeout(() => {
      settle({ failure: `no answer within ${timeoutMs} ms from ${shown}` });
      request.destroy();
    }, timeoutMs);
    request.on('error', (error) => settle({ failure: describeFailure(error, shown) }));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        // Only the start of an answer matters (counts or an error line); a runaway body is not kept.
        if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('error', (error) => settle({ failure: describeFailure(error, shown) }));
      response.on('end', () => {
        const { location, 'content-type': contentType } = response.headers;
        settle({
          status: response.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          location: location ?? null,
          contentType: contentType ?? null,
        });
      });
    });
    request.end(body);
  });
}

/** `<serverUrl>/api/v1/reports`, keeping any path prefix of the server URL. */
export function reportsEndpoint(serverUrl: string): string {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch (error) {
    throw badServerUrl(serverUrl, 'is not a URL', error);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badServerUrl(serverUrl, 'must start with http:// or https://');
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${REPORTS_PATH}`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

function badServerUrl(serverUrl: string, why: string, cause?: unknown): ConfigError {
  return new ConfigError([{ key: 'server.url', message: `"${withoutCredentials(serverUrl)}" ${why}`, file: null, line: null }], {
    hint: 'e.g. http://monitor.example.com:8080 (or MONITOR_SERVER_URL)',
    ...(cause === undefined ? {} : { cause }),
  });
}

function parseAccepted(text: string): AcceptedBody | null {
  try {
    const body = JSON.parse(text) as Partial<AcceptedBody> | null;
    if (body && typeof body.accepted === 'number' && typeof body.duplicates === 'number') {
      return { accepted: body.accepted, duplicates: body.duplicates };
    }
  } catch {
    // Not JSON: not the ingest API (the caller says what answered instead).
  }
  return null;
}

/** One line: which URL answered what, and that it is not the acknowledgement the spool waits for. */
function notAnAcknowledgement(
  shown: string,
  status: number,
  contentType: string | null,
  text: string,
  body: AcceptedBody | null,
  sent: number,
): string {
  const what = body
    ? `counts for ${body.accepted + body.duplicates} report(s) (accepted ${body.accepted}, duplicates ${body.duplicates}) where ${sent} were sent`
    : `${contentType ? contentType.split(';', 1)[0]!.trim() : 'no content type'}${text.trim() ? ` "${snippet(text, 80)}"` : ', empty'}`;
  return `${shown} answered ${status} with ${what}: not the monitor ingest API's acknowledgement; check server.url (or MONITOR_SERVER_URL)`;
}

/**
 * The URL as it may be printed: no user name or password (a server URL can carry basic-auth
 * credentials for a proxy in front of the API), no query. Falls back to the text before any '@'.
 */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin === 'null' ? `${parsed.protocol}//${parsed.host}` : parsed.origin}${parsed.pathname}`;
  } catch {
    return withoutCredentials(url);
  }
}

function withoutCredentials(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//');
}

export function errorMessage(text: string): string | null {
  try {
    const body = JSON.parse(text) as { error?: unknown } | null;
    if (body && typeof body.error === 'string' && body.error !== '') return body.error;
  } catch {
    // Not JSON: a proxy's page, perhaps.
  }
  return snippet(text) || null;
}

const TLS_TRUST_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

/** One line naming what failed, e.g. "connection refused (ECONNREFUSED) for http://…". */
function describeFailure(error: unknown, url: string): string {
  const code = errnoCode(error);
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'DNS lookup failed',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ETIMEDOUT: 'connection timed out',
    EPIPE: 'connection closed by the server',
  };
  if (code && TLS_TRUST_CODES.has(code)) {
    return `the server's TLS certificate is not trusted (${code}) for ${url}; give the CA that signed it in agent.ca_file`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the server's TLS certificate does not name this host (${code}) for ${url}`;
  if (code) return `${known[code] ?? 'request failed'} (${code}) for ${url}`;
  return `request to ${url} failed: ${error instanceof Error ? error.message : String(error)}`;
}
