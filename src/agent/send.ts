// Posts reports to `monitor serve` and says what became of them, in the three outcomes the spool
// cares about: acknowledged (forget them), refused (sending again cannot help), or not reached
// (keep them and try again next run).

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
  /** 2xx: the server committed the reports (or already had them). body is null when it was not the usual JSON. */
  | { kind: 'accepted'; body: AcceptedBody | null }
  /** 4xx other than 408/429, or a redirect: the server refused; `message` is its `error` text. */
  | { kind: 'rejected'; status: number; message: string }
  /** Connection refused or reset, DNS failure, timeout, 5xx, 408, 429: try again later. */
  | { kind: 'unavailable'; reason: string };

export interface SendOptions {
  serverUrl: string;
  hostKey: string;
  reports: readonly (Report | WireReport)[];
  /** For the whole exchange, response body included. */
  timeoutMs: number;
}

export async function sendReports(options: SendOptions): Promise<SendResult> {
  const url = reportsEndpoint(options.serverUrl);
  const reports = options.reports.map((report) => ('hostName' in report ? toWireReport(report) : report));
  const exchange = await post(url, options.hostKey, JSON.stringify({ reports }), options.timeoutMs);
  if ('failure' in exchange) return { kind: 'unavailable', reason: exchange.failure };
  const { status, text } = exchange;
  if (status >= 200 && status < 300) return { kind: 'accepted', body: parseAccepted(text) };
  if (status >= 500 || status === 408 || status === 429) {
    const message = errorMessage(text);
    return { kind: 'unavailable', reason: `${url} answered ${status}${message ? `: ${message}` : ''}` };
  }
  if (status >= 300 && status < 400) {
    // Following it would turn the POST into a GET and lose the body: say where to point instead.
    return {
      kind: 'rejected',
      status,
      message: `${url} redirects (${status})${exchange.location ? ` to ${exchange.location}` : ''}; set the server URL to where it points`,
    };
  }
  return { kind: 'rejected', status, message: errorMessage(text) ?? `HTTP ${status}` };
}

type Exchange = { status: number; text: string; location: string | null } | { failure: string };

/**
 * One POST with a deadline for the whole exchange, response body included. node:http rather than
 * fetch: fetch loads undici on first use, which costs a cron run ~60 ms more CPU than this.
 * No keep-alive agent: a collect run sends a few requests and exits, and an idle pooled socket
 * would only hold the process open.
 */
export async function post(url: string, hostKey: string, body: string, timeoutMs: number): Promise<Exchange> {
  const client = url.startsWith('https:') ? await import('node:https') : await import('node:http');
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
      headers: {
        authorization: `Bearer ${hostKey}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    });
    const timer = setTimeout(() => {
      settle({ failure: `no answer within ${timeoutMs} ms from ${url}` });
      request.destroy();
    }, timeoutMs);
    request.on('error', (error) => settle({ failure: describeFailure(error, url) }));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        // Only the start of an answer matters (counts or an error line); a runaway body is not kept.
        if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('error', (error) => settle({ failure: describeFailure(error, url) }));
      response.on('end', () => {
        const location = response.headers.location;
        settle({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), location: location ?? null });
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
  return new ConfigError([{ key: 'server.url', message: `"${serverUrl}" ${why}`, file: null, line: null }], {
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
    // A 2xx is an acknowledgement whatever its body says.
  }
  return null;
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
  if (code) return `${known[code] ?? 'request failed'} (${code}) for ${url}`;
  return `request to ${url} failed: ${error instanceof Error ? error.message : String(error)}`;
}
