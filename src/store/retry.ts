// Deadlocks (InnoDB), certification failures (Galera, Group Replication) and write conflicts (TiDB)
// roll the whole transaction back; running it again is the documented remedy.

import { RetryableTransactionError } from '../errors.js';
import type { Store } from './store.js';

export interface RetryOptions {
  immediate?: boolean;
  /** Waits between attempts; tests pass a recorder instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const BASE_DELAY_MS = 10;
const MAX_DELAY_MS = 250;

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs fn in a transaction, and again (up to `attempts` times in all) when the database rolled it
 * back as retryable. Backoff doubles from 10 ms with random jitter, so two colliding writers do not
 * collide again in step. fn must be safe to re-run: it sees a fresh transaction each time. Call it
 * on the outer store: inside a transaction it joins that one, which the retry cannot restart.
 */
export async function withTransactionRetry<T>(
  store: Store,
  fn: (tx: Store) => Promise<T>,
  attempts = 5,
  options: RetryOptions = {},
): Promise<T> {
  return retryConflicts(() => store.transaction(fn, { immediate: options.immediate }), attempts, options);
}

/** Runs work that is one transaction, again (up to `attempts` times in all) when it was rolled back as retryable. */
export async function retryConflicts<T>(work: () => Promise<T>, attempts = 5, options: RetryOptions = {}): Promise<T> {
  const sleep = options.sleep ?? sleepFor;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof RetryableTransactionError) || attempt >= attempts) throw error;
      const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
      await sleep(Math.round(ceiling * (0.5 + random() / 2)));
    }
  }
}
