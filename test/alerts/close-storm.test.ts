// A config edit that drops a check from every host closes all its open alerts ("check disabled"):
// more of them than alerting.group_threshold go out as one grouped message per channel, as the
// evaluator's own storms do, not one message per host.

import { afterEach, beforeEach, expect, it } from 'vitest';
import { runCheck } from '../../src/alerts/run-check.js';
import { createRegistry } from '../../src/checks/registry.js';
import { checkRunConfig } from '../support/check-run-config.js';
import type { HostCheckConfig } from '../../src/config/types.js';
import type { Notifier } from '../../src/notify/types.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { databaseConfig } from '../support/database-config.js';
import { memoryLog } from '../support/memory-log.js';
import { newSample } from '../support/samples.js';

const NOW = new Date('2026-12-07T02:00:00.000Z');
const HOSTS = ['web-01', 'web-02', 'web-03', 'web-04'];
let store: Store;

beforeEach(async () => {
  store = await openStore(databaseConfig('sqlite::memory:', { poolSize: 1, connectTimeoutMs: 5_000 }));
});
afterEach(async () => {
  await store.close();
});

it('closing more alerts of one check than group_threshold (the check dropped from the config) sends one grouped message', async () => {
  const sent: { event: string; count?: number }[] = [];
  const notifier: Notifier = {
    channel: 'test',
    send: (payload) => Promise.resolve(void sent.push({ event: payload.event, ...(payload.count ? { count: payload.count } : {}) })),
  };
  const run = (checks: Record<string, HostCheckConfig>) =>
    runCheck({
      store,
      config: checkRunConfig(checks, { groupThreshold: 2 }),
      registry: createRegistry(),
      notifiers: [notifier],
      log: memoryLog(),
      now: NOW,
      wallClock: () => NOW,
      host: null,
      dryRun: false,
    });
  for (const hostName of HOSTS) {
    const { hostId } = await store.addHost({
      hostName,
      keyHash: `key-${hostName}`,
      description: null,
      createdAt: new Date(NOW.getTime() - 600_000),
    });
    await store.insertSamples([newSample(hostId, NOW, { diskPct: 97 })]);
  }
  const disk = { disk_space: { enabled: true, params: { crit: 90 } } };
  expect((await run(disk)).transitions.map((t) => t.event)).toEqual(['open', 'open', 'open', 'open']);
  expect(sent).toEqual([{ event: 'group', count: 4 }]);

  const closed = await run({});
  expect(closed.transitions.map((t) => [t.event, t.message])).toEqual(HOSTS.map((host) => ['resolve', `Host '${host}' check disabled`]));
  expect(await store.listOpenAlerts()).toEqual([]);
  expect(sent).toEqual([
    { event: 'group', count: 4 },
    { event: 'group', count: 4 },
  ]);
});
