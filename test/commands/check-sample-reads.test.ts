// `monitor check` reads the sample table narrowly: the threshold checks get one row per host and
// declared read that the database computes (load-inputs.ts, store/sql/metric-windows.ts), or their
// host's samples where it cannot summarise exactly; checks reading samples get one statement for
// the recent minutes (thinned to the newest value per metric before the longest `for` of the check
// types), a second only for hosts whose checks still lack their starting value or read further back
// (their own `for`). On both databases, over hosts that report every minute, every seven or
// nine minutes, stopped a few minutes ago, stopped hours ago, never reported, send reports without some
// metrics, or send pipeline reports beside their metrics, each check must decide exactly what it
// decides on the whole of its window read plainly, one host at a time.

import { afterEach, expect, it } from 'vitest';
import { loadCheckInputs } from '../../src/alerts/load-inputs.js';
import { dataRead } from '../../src/alerts/evaluate-all.js';
import { createRegistry } from '../../src/checks/registry.js';
import type { CheckFunction } from '../../src/checks/types.js';
import type { Store } from '../../src/store/store.js';
import type { NewSample } from '../../src/store/types.js';
import { eachCheckBackend } from './support-check/backend.js';

const MIN = 60_000;
const END = Date.parse('2026-05-04T12:00:00.000Z');
const MAX_AGE = 10 * MIN;

/** A plugin-style check that reads its whole window: what it is given is its result. */
const sampleTimes: CheckFunction = {
  name: 'sample_times',
  description: 'lists the samples it was given',
  params: { span: { type: 'duration', description: 'how far back' } },
  window: (params, maxAge) => (typeof params.span === 'number' ? params.span : maxAge),
  evaluate: (input) => ({
    status: 'ok',
    value: input.samples.length,
    message: input.samples.map((s) => `${s.collectedAt.toISOString()}:${s.cpuPct}/${s.memPct}/${s.diskPct}/${s.load1}`).join(' '),
  }),
};

type Pattern = 'minutely' | 'sparse' | 'rare' | 'stopped' | 'silent' | 'never' | 'gaps' | 'partial' | 'pipeline';

function samplesFor(hostId: number, pattern: Pattern): NewSample[] {
  const rows: NewSample[] = [];
  const add = (
    at: number,
    metrics: Partial<Pick<NewSample, 'cpuPct' | 'memPct' | 'diskPct' | 'load1'>>,
    datasetName: string | null = null,
  ) =>
    rows.push({
      hostId,
      collectedAt: new Date(at),
      receivedAt: new Date(at),
      cpuPct: null,
      memPct: null,
      diskPct: null,
      load1: null,
      ...metrics,
      datasetName,
      partitionKey: datasetName ? '2026-05-04' : null,
      filesCount: datasetName ? 3 : null,
      firstEventAt: null,
      lastEventAt: null,
    });
  const value = (at: number, shift: number) => 70 + ((at / MIN + shift * 7 + hostId * 3) % 29);
  const every = (step: number, from: number, to: number, offset: number) => {
    for (let at = to - offset; at > from; at -= step)
      add(at, { cpuPct: value(at, 0), memPct: value(at, 1), diskPct: value(at, 2), load1: value(at, 3) / 10 });
  };
  const offset = (hostId * 7919) % 50_000;
  switch (pattern) {
    case 'minutely':
      every(MIN, END - 60 * MIN, END, offset);
      break;
    case 'sparse':
      every(7 * MIN, END - 60 * MIN, END, offset);
      break;
    case 'rare':
      every(9 * MIN, END - 60 * MIN, END, offset);
      break;
    case 'stopped':
      every(MIN, END - 60 * MIN, END - 9 * MIN, offset);
      break;
    case 'silent':
      every(MIN, END - 300 * MIN, END - 120 * MIN, offset);
      break;
    case 'never':
      break;
    case 'gaps':
      every(MIN, END - 60 * MIN, END - 25 * MIN, offset);
      every(MIN, END - 14 * MIN, END - 6 * MIN, offset);
      every(MIN, END - 3 * MIN, END, offset);
      break;
    case 'partial':
      // Reports that lack a metric now and then: cpu only every third minute, memory only early on.
      for (let at = END - offset, k = 0; at > END - 60 * MIN; at -= MIN, k++) {
        add(at, {
          cpuPct: k % 3 === 0 ? value(at, 0) : null,
          memPct: at < END - 20 * MIN ? value(at, 1) : null,
          diskPct: k % 5 === 4 ? null : value(at, 2),
        });
      }
      break;
    case 'pipeline':
      every(2 * MIN, END - 60 * MIN, END, offset);
      // Pipeline reports in between: one carries a metric, the others none.
      for (let at = END - offset - MIN; at > END - 60 * MIN; at -= 4 * MIN) add(at, at % 3 === 0 ? { diskPct: 99 } : {}, 'nightly_export');
      break;
  }
  return rows;
}

const PATTERNS: Pattern[] = ['minutely', 'sparse', 'rare', 'stopped', 'silent', 'never', 'gaps', 'partial', 'pipeline'];

/** Per host, overrides that give the checks different `for`s and aggregates. */
/** Some read further back than their check type's defaults, so the second statement reads them again. */
const OVERRIDES: Record<string, Record<string, unknown>>[] = [
  {},
  { cpu_usage: { for: '10m' }, memory_usage: { for: '2m', aggregate: 'avg' } },
  { cpu_usage: { for: '1m', aggregate: 'max' }, disk_space: { for: '3m' } },
  { memory_usage: { for: '5m', clear: 70 }, sample_times: { span: '12m' } },
];

async function seed(store: Store): Promise<void> {
  await store.upsertCheckTypes([
    {
      checkKey: 'sample_times',
      checkName: 'Sample Times',
      functionName: 'sample_times',
      params: { span: '1m' },
      severity: 'warning',
      cooldownSeconds: 0,
    },
  ]);
  const types = new Map((await store.listCheckTypes()).map((type) => [type.checkKey, type.checkId]));
  let hostId = 0;
  for (const pattern of PATTERNS) {
    for (const [variant, overrides] of OVERRIDES.entries()) {
      const host = await store.addHost({
        hostName: `${pattern}-${variant}`,
        keyHash: `${pattern}-${variant}`.padEnd(64, '0'),
        description: null,
        createdAt: new Date(END - 400 * MIN),
      });
      hostId = host.hostId;
      const checks = ['cpu_usage', 'memory_usage', 'disk_space', 'host_silent', ...(variant % 2 === 1 ? ['sample_times'] : [])];
      await store.upsertHostChecks(
        checks.map((key) => ({ hostId, checkId: types.get(key)!, params: overrides[key] ?? {}, enabled: true })),
      );
      const rows = samplesFor(hostId, pattern);
      if (rows.length > 0) await store.insertSamples(rows);
    }
  }
}

eachCheckBackend('monitor check reads only what its checks need', (backend) => {
  let store: Store | null = null;
  afterEach(async () => {
    await store?.close();
    store = null;
  });

  it('and every check decides as on its whole window, at several moments and for one host alone', async () => {
    store = await backend().openStore();
    await seed(store);
    const registry = createRegistry([sampleTimes]);
    let compared = 0;
    let summarised = 0;
    for (const minutesAgo of [0, 2.5, 11, 125]) {
      const now = new Date(END - minutesAgo * MIN);
      const hosts = [
        null,
        await store.findHostByName('partial-1'),
        await store.findHostByName('gaps-3'),
        await store.findHostByName('pipeline-0'),
      ];
      const latest = await store.latestSampleTimes(now);
      const datasets = await store.latestDatasetReports(now);
      for (const host of hosts) {
        const inputs = await loadCheckInputs(store, registry, { now, host, sampleMaxAgeMs: MAX_AGE });
        expect(inputs.problems).toEqual([]);
        // Each checked host's newest report (from the window scan, or read apart for hosts it did not
        // see) and, when a check reads them, its datasets' newest reports: as the store reads them.
        const checked = new Set(inputs.checks.map((check) => check.host.hostId));
        const only = <T>(entries: Iterable<[number, T]>) => new Map([...entries].filter(([hostId]) => checked.has(hostId)));
        expect(only(inputs.lastReports)).toEqual(only(latest));
        const readsDatasets = inputs.checks.some((check) => check.fn.readsDatasets !== false);
        expect(readsDatasets).toBe(host === null || host.hostName !== 'pipeline-0');
        const expectedDatasets = new Map<number, typeof datasets>();
        for (const report of readsDatasets ? datasets : [])
          expectedDatasets.set(report.hostId, [...(expectedDatasets.get(report.hostId) ?? []), report]);
        expect(only(inputs.datasets)).toEqual(only(expectedDatasets));
        expect(inputs.checks).toHaveLength(
          host ? (host.hostName.endsWith('1') || host.hostName.endsWith('3') ? 5 : 4) : PATTERNS.length * 18,
        );
        for (const check of inputs.checks) {
          const { hostId } = check.host;
          const base = {
            hostName: check.host.hostName,
            hostCreatedAt: check.host.createdAt,
            params: check.params,
            now,
            lastReportAt: inputs.lastReports.get(hostId) ?? null,
            datasets: inputs.datasets.get(hostId) ?? [],
            current: 'ok' as const,
            sampleMaxAgeMs: MAX_AGE,
          };
          const whole =
            (await store.loadMetricSamples({ from: new Date(now.getTime() - check.window), to: now, hostIds: [hostId] })).get(hostId) ?? [];
          // What the run hands over: samples read narrowly, or the window the database summarised.
          const read = dataRead(check, inputs, now.getTime());
          if (check.reads.kind === 'summary' && read.summary !== undefined) summarised++;
          expect(check.fn.evaluate({ ...base, ...read }), `${check.host.hostName} ${check.type.checkKey} at -${minutesAgo}m`).toEqual(
            check.fn.evaluate({ ...base, samples: whole }),
          );
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
    // Most threshold checks decide on the database's summary; the rest on samples (see load-inputs.ts).
    expect(summarised).toBeGreaterThan(150);
  });

  it('loadMetricSamples thinBefore keeps every later sample and, before it, only the newest carrying each metric', async () => {
    store = await backend().openStore();
    const host = await store.addHost({
      hostName: 'thin-01',
      keyHash: 'thin-01'.padEnd(64, '0'),
      description: null,
      createdAt: new Date(END - 60 * MIN),
    });
    const at = (minutesAgo: number) => new Date(END - minutesAgo * MIN);
    const sample = (minutesAgo: number, metrics: Partial<Pick<NewSample, 'cpuPct' | 'memPct' | 'diskPct' | 'load1'>>): NewSample => ({
      hostId: host.hostId,
      collectedAt: at(minutesAgo),
      receivedAt: at(minutesAgo),
      cpuPct: null,
      memPct: null,
      diskPct: null,
      load1: null,
      ...metrics,
      datasetName: null,
      partitionKey: null,
      filesCount: null,
      firstEventAt: null,
      lastEventAt: null,
    });
    await store.insertSamples([
      sample(9, { cpuPct: 1, memPct: 1, diskPct: 1, load1: 1 }),
      sample(8, { cpuPct: 2, memPct: 2 }),
      sample(7, { cpuPct: 3 }),
      sample(6, { diskPct: 4 }),
      sample(5, { cpuPct: 5, memPct: 5, diskPct: 5, load1: 5 }),
      sample(4, { cpuPct: 6 }),
    ]);
    const times = async (thinBefore?: Date) =>
      (
        (await store!.loadMetricSamples({ from: at(10), to: at(0), hostIds: [host.hostId], ...(thinBefore ? { thinBefore } : {}) })).get(
          host.hostId,
        ) ?? []
      ).map((s) => Math.round((END - s.collectedAt.getTime()) / MIN));
    expect(await times()).toEqual([9, 8, 7, 6, 5, 4]);
    // Before 5.5 minutes ago: load last at 9, memory at 8, cpu at 7, disk at 6.
    expect(await times(at(5.5))).toEqual([9, 8, 7, 6, 5, 4]);
    // Before 4.5: the sample at 5 carries everything, so it alone stands for the time before.
    expect(await times(at(4.5))).toEqual([5, 4]);
    expect(await times(at(0))).toEqual([5, 4]);
    // A thinBefore at or before `from` thins nothing.
    expect(await times(at(12))).toEqual([9, 8, 7, 6, 5, 4]);
  });
});
