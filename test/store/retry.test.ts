// The retry rule for work the database rolled back: conflicts and a not-ready node are tried again
// with jittered backoff, within a deadline; anything else at once fails.

import { describe, expect, it } from 'vitest';
import { NodeNotReadyError, RetryableTransactionError, UnavailableError } from '../../src/errors.js';
import { retryConflicts } from '../../src/store/retry.js';

describe('retryConflicts', () => {
  it('retries a node that is not ready (1047 while it syncs) as well as conflicts, waiting longer for the node', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await retryConflicts(
      () => {
        calls++;
        if (calls === 1) return Promise.reject(new NodeNotReadyError('WSREP has not yet prepared node for application use'));
        if (calls === 2) return Promise.reject(new RetryableTransactionError('Deadlock found'));
        return Promise.resolve('done');
      },
      5,
      { sleep: (ms) => Promise.resolve(void waits.push(ms)), random: () => 1 },
    );
    expect(result).toBe('done');
    expect(waits).toEqual([200, 20]);
  });

  it('starts no attempt past its deadline: the caller (a request) has its answer in time', async () => {
    let clock = 0;
    let calls = 0;
    const failure = await retryConflicts(
      () => {
        calls++;
        return Promise.reject(new RetryableTransactionError('Deadlock found'));
      },
      1000,
      { withinMs: 1_000, now: () => clock, sleep: (ms) => Promise.resolve(void (clock += ms)), random: () => 1 },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RetryableTransactionError);
    expect(clock).toBeLessThan(1_000);
    // 10, 20, 40, … 250 ms: about a dozen attempts fit in a second.
    expect(calls).toBeGreaterThan(5);
  });

  it('never retries an outage that is not a node syncing, nor a bug', async () => {
    for (const error of [new UnavailableError('connection refused'), new TypeError('bug')]) {
      let calls = 0;
      await expect(
        retryConflicts(() => {
          calls++;
          return Promise.reject(error);
        }),
      ).rejects.toBe(error);
      expect(calls).toBe(1);
    }
  });
});
