// The check lease's decisions, against a real SQLite store with a hand-moved clock: take a free
// lease, leave a renewing holder alone, take over a dead holder of this machine at once (freeing its
// outbox claims), wait out a silent holder elsewhere, report one that neither renews nor expires, and
// run the lease statements again when the database rolls them back (deadlock, certification failure).

import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CHECK_LEASE, takeCheckLease, type CheckLeaseOptions } from '../../src/alerts/check-lease.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { memoryLog } from '../support/memory-log.js';
import { useTempDir } from '../support/temp-dir.js';
import { databaseConfig } from '../support/database-config.js';

const T0 = new Date('2026-12-07T02:00:00.000Z');
const TTL = 60_000;
const dir = useTempDir('monitor-lease-');
let store: Store;
let nowMs: number;

beforeEach(async () => {
  const file = join(dir.path, 'lease.db');
  store = await openStore(databaseConfig(`sqlite:${file}`, { poolSize: 1, connectTimeoutMs: 2_000 }));
  nowMs = T0.getTime();
});
afterEach(async () => {
  await store.close();
});

function options(overrides: Partial<CheckLeaseOptions> = {}): CheckLeaseOptions & { slept: number[] } {
  const slept: number[] = [];
  return {
    store,
    ttlMs: TTL,
    clock: () => new Date(nowMs),
    log: memoryLog(),
    holder: { host: 'box-a', pid: 100 },
    owner: 'box-a:100:mine',
    isAlive: () => true,
    // Waiting moves the hand-held clock instead of sleeping.
    sleep: (ms) => {
      slept.push(ms);
      nowMs += ms;
      return Promise.resolve();
    },
    slept,
    ...overrides,
  };
}

async function heldBy(owner: string, host: string, pid: number, renewedAgoMs: number, expiresInMs: number): Promise<void> {
  await store.acquireLease(CHECK_LEASE, owner, new Date(nowMs - renewedAgoMs), renewedAgoMs + expiresInMs, { host, pid });
}

it('takes a free lease, records its holder, and releases it', async () => {
  const taken = await takeCheckLease(options());
  expect(taken.kind).toBe('held');
  expect(await store.getLease(CHECK_LEASE)).toMatchObject({ owner: 'box-a:100:mine', host: 'box-a', pid: 100 });
  if (taken.kind === 'held') await taken.lease.release();
  expect(await store.getLease(CHECK_LEASE)).toBeNull();
});

it('leaves a holder that is renewing: busy, nothing waited', async () => {
  await heldBy('box-b:7:x', 'box-b', 7, 5_000, 55_000);
  const o = options();
  expect(await takeCheckLease(o)).toMatchObject({ kind: 'busy', holder: { owner: 'box-b:7:x' } });
  expect(o.slept).toEqual([]);
});

it('takes over at once from a holder on this machine whose process is gone, and frees the outbox rows it had claimed', async () => {
  await heldBy('box-a:42:dead', 'box-a', 42, 1_000, 59_000);
  await store.enqueueNotifications([{ alertId: null, channel: 'webhook:0', event: 'open', payload: {}, createdAt: T0 }]);
  const [row] = await store.pendingNotifications(['webhook:0'], 5, 10);
  expect(await store.claimNotification(row!.notificationId, 'box-a:42:dead', T0, new Date(nowMs + 120_000), 5)).toBe(true);

  const o = options({ isAlive: (pid) => pid !== 42 });
  const taken = await takeCheckLease(o);
  expect(taken).toMatchObject({ kind: 'held', lease: { tookOverFrom: { owner: 'box-a:42:dead', pid: 42 } } });
  expect(o.slept).toEqual([]);
  expect(await store.claimNotification(row!.notificationId, 'box-a:100:mine', new Date(nowMs), new Date(nowMs + 1), 5)).toBe(true);
});

it('does not judge a holder of another machine by a pid of this one', async () => {
  await heldBy('box-b:42:x', 'box-b', 42, 1_000, 59_000);
  expect((await takeCheckLease(options({ isAlive: () => false }))).kind).toBe('busy');
});

it('waits out a holder elsewhere that stopped renewing, and takes the lease when it expires', async () => {
  await heldBy('box-b:7:x', 'box-b', 7, 45_000, 15_000);
  const o = options();
  const taken = await takeCheckLease(o);
  expect(taken.kind).toBe('held');
  expect(o.slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(TTL);
  expect(nowMs - T0.getTime()).toBeGreaterThanOrEqual(15_000);
});

it('reports a holder that neither renews nor lets its lease expire within one ttl as stuck', async () => {
  await heldBy('box-b:7:x', 'box-b', 7, 600_000, 3_600_000);
  const o = options();
  expect(await takeCheckLease(o)).toMatchObject({ kind: 'stuck', holder: { owner: 'box-b:7:x' } });
  expect(nowMs - T0.getTime()).toBeGreaterThanOrEqual(TTL);
});

it('renews the lease while held (the heartbeat), and notices when another run took it', async () => {
  const taken = await takeCheckLease(options({ ttlMs: 150 }));
  if (taken.kind !== 'held') throw new Error('not held');
  const first = (await store.getLease(CHECK_LEASE))!.renewedAt!;
  nowMs += 1_000;
  await new Promise((resolve) => setTimeout(resolve, 200)); // a real interval: 50 ms beats
  expect((await store.getLease(CHECK_LEASE))!.renewedAt!.getTime()).toBeGreaterThan(first.getTime());
  expect(taken.lease.lost()).toBe(false);
  await store.takeOverLease(CHECK_LEASE, 'box-a:100:mine', 'box-c:1:other', new Date(nowMs), 60_000);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(taken.lease.lost()).toBe(true);
  await taken.lease.release();
  expect(await store.getLease(CHECK_LEASE)).toMatchObject({ owner: 'box-c:1:other' });
});
