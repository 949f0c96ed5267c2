// Whether the database answered last time, and the rule for which failures mean "unavailable" (503,
// retry later) rather than a bug (500). Logging happens on transitions only: a database outage under
// 1000 agents is one "unavailable" line and one "reachable again" line, not a line per request.

import { RetryableTransactionError, UnavailableError } from '../errors.js';
import type { Logger } from '../context.js';

// Driver and socket codes that mean the database (or the way to it) is gone or busy, in case an
// error reaches us without having been mapped to UnavailableError by the store adapter.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_WAIT_TIMEOUT',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
]);

/**
 * True when the writes kept colliding with other writers (deadlocks, certification failures) until
 * the retries ran out: the database is up and busy, so not an outage, but the agent must still re-send.
 */
export function isConflict(error: unknown): boolean {
  return error instanceof RetryableTransactionError;
}

/** True when the error (or any error in its cause chain) says "try again later", not "this is a bug". */
export function isUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    if (current instanceof UnavailableError) return true;
    if (typeof current !== 'object') return false;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export class DatabaseStatus {
  readonly #log: Logger;
  #down = false;

  constructor(log: Logger) {
    this.#log = log;
  }

  get up(): boolean {
    return !this.#down;
  }

  failed(error: unknown): void {
    if (this.#down) return;
    this.#down = true;
    this.#log.warn('database unavailable: answering 503 until it is back', {
      error: error instanceof Error ? error.message : String(error),
    });
  }

  ok(): void {
    if (!this.#down) return;
    this.#down = false;
    this.#log.info('database reachable again');
  }
}
