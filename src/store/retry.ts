// Deadlocks (InnoDB), certification failures (Galera, Group Replication) and write conflicts (TiDB)
// roll the whole transaction back; running it again is the documented remedy. A Galera node that
// is not ready (joining, desynced: 1047) or a statement interrupted by a replicated schema change
// (1317) ran nothing: trying again, briefly, rides out a sync or a migration on another node.

import { NodeNotReadyError, RetryableTransactionError } from '../errors.js';
import type { Store } from './store.js';

export interface RetryOptions {
  immediate?: boolean;
  /** Waits between attempts; tests pass a recorder instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** No attempt starts after this many ms from the first (a request's deadline); default: none. */
  withinMs?: number;
  now?: () => number;
}

const BASE_DELAY_MS = 10;
const MAX_DELAY_MS = 250;
/** A node that is not ready stays so for seconds, not milliseconds: wait longer between its attempts. */
const NOT_READY_DELAY_MS = 200;

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Errors after which running the same work again is safe and may succeed. */
export function isRetryable(error: unknown): boolean {
  return error instanceof RetryableTransactionError || error instanceof NodeNotReadyError;
}

/**
 * Runs fn in a transaction, and again (up to `attempts` times in all) when the database rolled it
 * back as retryable. Backoff doubles from 10 ms with random jitter, so two colliding writers do not
 * collide again in step. fn must be safe to re-run: it sees a fresh transaction each time. Inside a
 * transaction it joins that one and does not retry: the database rolled the whole outer transaction
 * back, which only its owner can run again.
 */
export async function withTransactionRetry<T>(
  store: Store,
  fn: (tx: Store) => Promise<T>,
  attempts = 8,
  options: RetryOptions = {},
): Promise<T> {
  const run = () => store.transaction(fn, { immediate: options.immediate });
  return store.joinsTransaction() ? run() : retryConflicts(run, attempts, options);
}

/**
 * Runs work that is one transaction (or one autocommit statement), again when it was rolled back as
 * retryable: up to `attempts` times in all, and never starting an attempt past `withinMs`.
 */
export async function retryConflicts<T>(work: () => Promise<T>, attempts = 8, options: RetryOptions = {}): Promise<T> {
  const sleep = options.sleep ?? sleepFor;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const deadline = options.withinMs === undefined ? Infinity : now() + options.withinMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isRetryable(error) || attempt >= attempts) throw error;
      const ceiling = error instanceof NodeNotReadyError ? NOT_READY_DELAY_MS : Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
      const delay = Math.round(ceiling * (0.5 + random() / 2));
      if (now() + delay >= deadline) throw error;
      await sleep(delay);
    }
  }
}
