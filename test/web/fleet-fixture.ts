// A small fleet for the dashboard tests, written through the store: one host in each state, a
// month of 5-minute samples on one of them, a pipeline dataset, alerts open and resolved.

import type { Store } from '../../src/store/store.js';
import type { NewSample } from '../../src/store/types.js';
import { generateHostKey, hashHostKey } from '../../src/hosts/host-key.js';

export const MINUTE = 60_000;
export const DAY = 86_400_000;

export interface Fleet {
  keys: Record<string, string>;
  ids: Record<string, number>;
  checkIds: Record<string, number>;
  /** alert ids by name */
  alerts: { diskCrit: number; memWarn: number; resolved: number };
}

export function sample(
  hostId: number,
  at: Date,
  metrics: Partial<Pick<NewSample, 'cpuPct' | 'memPct' | 'diskPct' | 'load1'>> = {},
  extra: Partial<NewSample> = {},
): NewSample {
  return {
    hostId,
    collectedAt: at,
    receivedAt: at,
    cpuPct: 10,
    memPct: 40,
    diskPct: 50,
    load1: 0.5,
    datasetName: null,
    partitionKey: null,
    filesCount: null,
    firstEventAt: null,
    lastEventAt: null,
    ...metrics,
    ...extra,
  };
}

/**
 * storage-04: CRIT (disk alert open; a month of samples, disk crit overridden to 85)
 * db-03: WARN (memory warning open) · web-01: OK · old-02: SILENT (last report 1 h ago) · new-05: UNKNOWN
 */
export async function seedFleet(store: Store, now: Date): Promise<Fleet> {
  const keys: Record<string, string> = {};
  const ids: Record<string, number> = {};
  for (const name of ['web-01', 'db-03', 'storage-04', 'old-02', 'new-05']) {
    keys[name] = generateHostKey();
    const host = await store.addHost({
      hostName: name,
      keyHash: hashHostKey(keys[name]),
      description: name === 'storage-04' ? 'file server' : null,
      createdAt: new Date(now.getTime() - 40 * DAY),
    });
    ids[name] = host.hostId;
  }
  const checkIds = Object.fromEntries((await store.listCheckTypes()).map((type) => [type.checkKey, type.checkId]));
  await store.upsertHostChecks(
    Object.values(ids).flatMap((hostId) =>
      ['cpu_usage', 'memory_usage', 'disk_space', 'host_silent'].map((key) => ({
        hostId,
        checkId: checkIds[key]!,
        params: hostId === ids['storage-04'] && key === 'disk_space' ? { crit: 85 } : {},
        enabled: true,
      })),
    ),
  );
  // A month of 5-minute samples on storage-04 (8,640), disk climbing; a few recent ones elsewhere.
  const month: NewSample[] = [];
  for (let t = now.getTime() - 30 * DAY + 5 * MINUTE; t <= now.getTime() - MINUTE; t += 5 * MINUTE) {
    const progress = (t - (now.getTime() - 30 * DAY)) / (30 * DAY);
    month.push(
      sample(ids['storage-04']!, new Date(t), { diskPct: Math.round((40 + progress * 52) * 100) / 100, cpuPct: (t / MINUTE) % 50 }),
    );
  }
  for (let i = 0; i < month.length; i += 1_000) await store.insertSamples(month.slice(i, i + 1_000));
  const recent = (name: string, minutesAgo: number, metrics: Parameters<typeof sample>[2] = {}) =>
    sample(ids[name]!, new Date(now.getTime() - minutesAgo * MINUTE), metrics);
  await store.insertSamples([
    recent('web-01', 2, { cpuPct: 12 }),
    recent('web-01', 1, { cpuPct: 14 }),
    recent('db-03', 1, { memPct: 83 }),
    recent('old-02', 60),
    sample(
      ids['storage-04']!,
      new Date(now.getTime() - 2 * MINUTE),
      {},
      { datasetName: 'orders', partitionKey: '2026-12-06', filesCount: 24, cpuPct: null, memPct: null, diskPct: null, load1: null },
    ),
  ]);
  const diskCrit = await store.openAlert({
    hostId: ids['storage-04']!,
    checkId: checkIds.disk_space!,
    severity: 'critical',
    triggeredAt: new Date(now.getTime() - 3 * 3_600_000),
    message: "Host 'storage-04' disk usage critical: 92%",
    value: 92,
  });
  const memWarn = await store.openAlert({
    hostId: ids['db-03']!,
    checkId: checkIds.memory_usage!,
    severity: 'warning',
    triggeredAt: new Date(now.getTime() - 10 * MINUTE),
    message: "Host 'db-03' memory usage high: 83%",
    value: 83,
  });
  const resolved = await store.openAlert({
    hostId: ids['storage-04']!,
    checkId: checkIds.cpu_usage!,
    severity: 'critical',
    triggeredAt: new Date(now.getTime() - 2 * DAY),
    message: "Host 'storage-04' CPU usage critical: 97%",
    value: 97,
  });
  await store.resolveAlert(resolved, {
    resolvedAt: new Date(now.getTime() - 2 * DAY + 30 * MINUTE),
    resolveMessage: "Host 'storage-04' CPU usage normal: 20%",
    value: 20,
  });
  return { keys, ids, checkIds, alerts: { diskCrit, memWarn, resolved } };
}
