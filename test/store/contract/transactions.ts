import { expect, it } from 'vitest';
import { RetryableTransactionError } from '../../../src/errors.js';
import { withTransactionRetry } from '../../../src/store/retry.js';
import { type ContractContext, addHost, at, count, rejection, sample } from './helpers.js';

class Boom extends Error {}

/**
 * The transaction failed with the Boom its callback threw, not with anything else: an assertion
 * failing inside the callback (or a store error) would also roll back, and must not pass for it.
 */
async function expectBoom(promise: Promise<unknown>, message: string): Promise<void> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(Boom);
  expect(error.message).toBe(message);
}

export function transactionTests(ctx: ContractContext): void {
  it('commits what the callback wrote and returns its result', async () => {
    const result = await ctx.store.transaction(async (tx) => {
      const host = await addHost(tx, 'web-01');
      await tx.insertSamples([sample(host.hostId, at(0))]);
      return host.hostId;
    });
    expect((await ctx.store.findHostByName('web-01'))?.hostId).toBe(result);
    expect(await count(ctx.raw, 'incoming_data')).toBe(1);
  });

  it('rolls everything back when the callback throws, and rethrows its error', async () => {
    const error = await rejection(
      ctx.store.transaction(async (tx) => {
        const host = await addHost(tx, 'web-01');
        await tx.insertSamples([sample(host.hostId, at(0))]);
        await tx.upsertHostChecks([{ hostId: host.hostId, checkId: 1, params: {}, enabled: true }]);
        throw new Boom('nope');
      }),
    );
    expect(error).toBeInstanceOf(Boom);
    for (const table of ['hosts', 'incoming_data', 'host_alert_checks']) expect(await count(ctx.raw, table), table).toBe(0);
  });

  it('joins a nested transaction to the outer one: nothing is committed before the outer commits', async () => {
    await ctx.store.transaction(async (outer) => {
      await outer.transaction(async (inner) => {
        await addHost(inner, 'web-01');
      });
      expect(await count(ctx.raw, 'hosts')).toBe(0);
    });
    expect(await count(ctx.raw, 'hosts')).toBe(1);
  });

  it("rolls back a nested transaction's writes with the outer one", async () => {
    await expectBoom(
      ctx.store.transaction(async (outer) => {
        await addHost(outer, 'web-01');
        await outer.transaction(async (inner) => {
          await addHost(inner, 'web-02');
        });
        throw new Boom('late failure');
      }),
      'late failure',
    );
    expect(await count(ctx.raw, 'hosts')).toBe(0);
  });

  it("makes insertSamples (its own transaction alone) part of the caller's transaction", async () => {
    const host = await addHost(ctx.store, 'web-01');
    await expectBoom(
      ctx.store.transaction(async (tx) => {
        expect(await tx.insertSamples([sample(host.hostId, at(0), { receivedAt: at(9) })])).toEqual({ inserted: 1, duplicates: 0 });
        throw new Boom('after insert');
      }),
      'after insert',
    );
    expect(await count(ctx.raw, 'incoming_data')).toBe(0);
    expect((await ctx.store.findHostByName('web-01'))?.lastSeen).toBeNull();
  });

  it('runs a call on the outer store from inside the callback within the transaction (no deadlock)', async () => {
    await expectBoom(
      ctx.store.transaction(async (tx) => {
        await addHost(tx, 'web-01');
        // The outer store, by mistake: it must see the uncommitted host and roll back with it.
        expect(await ctx.store.findHostByName('web-01')).not.toBeNull();
        await addHost(ctx.store, 'web-02');
        throw new Boom('undo both');
      }),
      'undo both',
    );
    expect(await count(ctx.raw, 'hosts')).toBe(0);
  });

  it('keeps concurrent transactions on one store apart: one rolling back does not undo the other', async () => {
    const results = await Promise.allSettled([
      ctx.store.transaction(async (tx) => {
        await addHost(tx, 'doomed');
        await new Promise((resolve) => setImmediate(resolve));
        throw new Boom('doomed');
      }),
      ctx.store.transaction(async (tx) => {
        await new Promise((resolve) => setImmediate(resolve));
        await addHost(tx, 'kept');
      }),
      addHost(ctx.store, 'outside'),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason).toEqual(new Boom('doomed'));
    const names = (await ctx.store.listHosts()).map((host) => host.hostName);
    expect(names).toEqual(['kept', 'outside']);
  });

  it('retries a transaction the database rolled back as retryable, with growing jittered waits', async () => {
    const waits: number[] = [];
    let attempts = 0;
    const result = await withTransactionRetry(
      ctx.store,
      async (tx) => {
        attempts++;
        await addHost(tx, `web-${attempts}`);
        if (attempts < 3) throw new RetryableTransactionError('deadlock');
        return attempts;
      },
      5,
      { sleep: (ms) => Promise.resolve(void waits.push(ms)), random: () => 1 },
    );
    expect(result).toBe(3);
    expect(waits).toEqual([10, 20]);
    // The failed attempts were rolled back.
    expect((await ctx.store.listHosts()).map((host) => host.hostName)).toEqual(['web-3']);
  });

  it('gives up after the last attempt, and never retries other errors', async () => {
    let attempts = 0;
    const sleep = () => Promise.resolve();
    const retryable = await rejection(
      withTransactionRetry(
        ctx.store,
        () => {
          attempts++;
          return Promise.reject(new RetryableTransactionError('deadlock'));
        },
        3,
        { sleep },
      ),
    );
    expect(retryable).toBeInstanceOf(RetryableTransactionError);
    expect(attempts).toBe(3);

    attempts = 0;
    const other = await rejection(
      withTransactionRetry(
        ctx.store,
        () => {
          attempts++;
          return Promise.reject(new Boom('bug'));
        },
        3,
        { sleep },
      ),
    );
    expect(other).toBeInstanceOf(Boom);
    expect(attempts).toBe(1);
  });
  it('inside a transaction, joins it and leaves the retry to its owner: the database rolled all of it back', async () => {
    let inner = 0;
    let outer = 0;
    const sleep = () => Promise.resolve();
    const error = await rejection(
      withTransactionRetry(
        ctx.store,
        async (tx) => {
          outer++;
          await addHost(tx, `outer-${outer}`);
          // Through the transaction's store and through the outer store from inside it: both join.
          expect(tx.joinsTransaction()).toBe(true);
          expect(ctx.store.joinsTransaction()).toBe(true);
          return withTransactionRetry(
            outer === 1 ? tx : ctx.store,
            () => {
              inner++;
              return Promise.reject(new RetryableTransactionError('deadlock'));
            },
            5,
            { sleep },
          );
        },
        2,
        { sleep },
      ),
    );
    expect(error).toBeInstanceOf(RetryableTransactionError);
    // Each inner call ran once; the owner ran the whole transaction again, then gave up.
    expect({ inner, outer }).toEqual({ inner: 2, outer: 2 });
    expect(ctx.store.joinsTransaction()).toBe(false);
    expect(await ctx.store.listHosts()).toEqual([]);
  });
}
