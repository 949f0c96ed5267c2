// A run that stalls past its lease (a pause longer than lease_ttl) while another run takes the lease
// over must not write what it evaluated: the other run works from fresher data, and two runs writing
// would announce a repeat or a severity change twice, or put older states over newer ones.

import { afterEach, beforeEach, expect, it } from 'vitest';
import { CHECK_LEASE } from '../../src/alerts/check-lease.js';
import { runCheck } from '../../src/alerts/run-check.js';
import { createRegistry } from '../../src/checks/registry.js';
import { checkRunConfig } from '../support/check-run-config.js';
import type { Notifier } from '../../src/notify/types.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { databaseConfig } from '../support/database-config.js';
import { memoryLog } from '../support/memory-log.js';
import { newSample } from '../support/samples.js';

const NOW = new Date('2026-12-07T02:00:00.000Z');
let store: Store;

beforeEach(async () => {
  store = await openStore(databaseConfig('sqlite::memory:', { poolSize: 1, connectTimeoutMs: 5_000 }));
});
afterEach(async () => {
  await store.close();
});

it('a run whose lease another run took over while it evaluated writes nothing: no alert, no state change, no outbox row', async () => {
  const sent: string[] = [];
  const notifier: Notifier = { channel: 'test', send: (payload) => Promise.resolve(void sent.push(payload.event)) };
  const run = (on: Store) =>
    runCheck({
      store: on,
      config: checkRunConfig({ disk_space: { enabled: true, params: { crit: 90 } } }),
      registry: createRegistry(),
      notifiers: [notifier],
      log: memoryLog(),
      now: NOW,
      wallClock: () => NOW,
      host: null,
      dryRun: false,
    });
  const { hostId } = await store.addHost({
    hostName: 'web-01',
    keyHash: 'key',
    description: null,
    createdAt: new Date(NOW.getTime() - 600_000),
  });
  expect((await run(store)).skipped).toBeNull(); // syncs the host's checks; no data yet
  await store.insertSamples([newSample(hostId, NOW, { diskPct: 97 })]);

  const statesBefore = await store.loadCheckStates();

  // Just before this run writes, another run takes the lease over (as after this one stalled).
  const stalled = Object.create(store) as Store;
  stalled.transaction = async (fn, options) => {
    const lease = (await store.getLease(CHECK_LEASE))!;
    expect(await store.takeOverLease(CHECK_LEASE, lease.owner, 'box-b:7:other', NOW, 60_000, { host: 'box-b', pid: 7 })).toBe(true);
    return store.transaction(fn, options);
  };
  const result = await run(stalled);

  expect(result.skipped).toMatch(/took the lease over/);
  expect(result.transitions).toEqual([]);
  expect(await store.listOpenAlerts()).toEqual([]);
  expect(await store.loadCheckStates()).toEqual(statesBefore);
  expect(await store.pendingNotifications(['test'], 10, 10)).toEqual([]);
  expect(sent).toEqual([]);
  // The lease stays the other run's.
  expect(await store.getLease(CHECK_LEASE)).toMatchObject({ owner: 'box-b:7:other' });
});
