// The one HTTP call the webhook and Slack notifiers make. Error messages name the destination by its
// origin only: webhook paths often carry the secret (Slack's always does), and these messages are
// logged and stored in the outbox.

import { RejectedError, UnavailableError } from '../errors.js';

export interface PostJsonOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  /** How the destination is named in errors, e.g. "webhook:0 (https://hooks.example.com)". */
  what: string;
}

export interface PostJsonResponse {
  status: number;
  body: string;
}

/**
 * POSTs `body` as JSON and returns the status and body text, whatever the status. Throws
 * UnavailableError when there is no answer (refused, DNS, TLS, timeout). The timeout covers reading
 * the response body too, so a server that trickles its answer cannot hold a `check` run.
 */
export async function postJson(url: string, body: unknown, options: PostJsonOptions): Promise<PostJsonResponse> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'monitor-notifier', ...options.headers },
      body: JSON.stringify(body),
      signal,
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    if (signal.aborted) {
      throw new UnavailableError(`${options.what}: no answer within ${options.timeoutMs}ms`, { cause: error });
    }
    throw new UnavailableError(`${options.what}: ${describeFetchError(error)}`, { cause: error });
  }
}

/**
 * The error for an answer that is not a delivery: 4xx means the receiver refuses this request as
 * sent (bad token, bad URL), so RejectedError; 5xx (or anything else) that it is down for now.
 */
export function answerError(status: number, message: string): Error {
  return status >= 400 && status < 500 ? new RejectedError(message, status) : new UnavailableError(message);
}

/** "http://host:8080" — enough to tell destinations apart without leaking a token in the path. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}

// undici reports every network failure as TypeError('fetch failed'); the useful part is in `cause`.
function describeFetchError(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${cause.message} (${code})` : cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}
