// The database's window summaries (store.loadMetricWindows, what `monitor check` reads for the
// threshold checks instead of samples) decide exactly as the samples do. Over generated series —
// gaps, stale tails, samples exactly at the window's start and its edge, several samples at one time,
// rows lacking the metric — stored in SQLite and MariaDB, each host's check is decided three ways:
// on the database's summary (the SQL statements MySQL uses — plain aggregates where they answer
// exactly, the ordered LAG/LEAD statement otherwise, and that one alone for every read — and the fold
// over the index SQLite uses, each run on both databases), on its samples (the raw-sample path, summariseSamples), and by the
// implementation from before summaries (test/support/metric-threshold-reference.ts). All agree in
// status, value and message; a host whose rows lack the metric comes back 'inexact' from the SQL
// statement (its samples are read instead) and no summary is made for it.

import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import { metricThreshold } from '../../src/checks/metric-threshold.js';
import type { CheckInput } from '../../src/checks/types.js';
import type { Store } from '../../src/store/store.js';
import { aggregatesSuffice, loadMetricWindows, windowsByRows, windowsBySql, windowsOnServer } from '../../src/store/sql/metric-windows.js';
import type { SqlDriver } from '../../src/store/sql/driver.js';
import type { NewSample } from '../../src/store/types.js';
import { referenceMetricThreshold } from '../support/metric-threshold-reference.js';
import { caseArb, MIN, NOW, type Case } from '../support/metric-series.js';
import { eachCheckBackend } from './support-check/backend.js';

const HOSTS = 12;

function rows(hostId: number, c: Case): NewSample[] {
  // One row per (time, dataset): samples sharing a time get datasets of their own, as reports do.
  const seen = new Map<number, number>();
  return c.samples.map((sample) => {
    const at = sample.collectedAt.getTime();
    const n = seen.get(at) ?? 0;
    seen.set(at, n + 1);
    return {
      hostId,
      ...sample,
      receivedAt: sample.collectedAt,
      datasetName: n === 0 ? null : `d${n}`,
      partitionKey: null,
      filesCount: null,
      firstEventAt: null,
      lastEventAt: null,
    };
  });
}

function datasetOnly(hostId: number, at: number): NewSample {
  const collectedAt = new Date(at);
  return {
    hostId,
    collectedAt,
    receivedAt: collectedAt,
    cpuPct: null,
    memPct: null,
    diskPct: null,
    load1: null,
    datasetName: 'etl',
    partitionKey: null,
    filesCount: 3,
    firstEventAt: null,
    lastEventAt: null,
  };
}

const decision = (r: { status: string; value: number | null; message: string }) => ({
  status: r.status,
  value: r.value,
  message: r.message,
});

eachCheckBackend('the database summarises metric windows as the samples decide', (backend) => {
  let store: Store | null = null;
  afterEach(async () => {
    await store?.close();
    store = null;
  });

  it('on generated series: summary, samples and the previous implementation decide alike', async () => {
    store = await backend().openStore();
    const s = store;
    // The store's own driver (private to it): the two strategies are called on it directly.
    const db = Reflect.get(store, 'db') as SqlDriver;
    const hostIds: number[] = [];
    for (let i = 0; i < HOSTS; i++) {
      const host = await s.addHost({
        hostName: `h${i}`,
        keyHash: `h${i}-`.padEnd(64, '0'),
        description: null,
        createdAt: new Date(NOW - 600 * MIN),
      });
      hostIds.push(host.hostId);
    }
    let compared = 0;
    let inexact = 0;
    let byAggregates = 0;
    let newestCompared = 0;
    const maxAgeArb = fc.constantFrom(2 * MIN, 5 * MIN);
    // avg reads samples, not a summary: the other aggregates.
    const cases = fc.array(
      caseArb().filter((c) => c.params.aggregate !== 'avg'),
      { minLength: HOSTS, maxLength: HOSTS },
    );
    await fc.assert(
      fc.asyncProperty(maxAgeArb, cases, async (maxAgeMs, generated) => {
        await s.pruneSamples(new Date(NOW + 3_600_000), 10_000);
        const all = generated.map((c) => ({ ...c, maxAgeMs }));
        await s.insertSamples(all.flatMap((c, i) => rows(hostIds[i]!, c)));
        // Reports without metrics (a dataset's) here and there: they count for a host's newest
        // report, and nowhere in its windows.
        await s.insertSamples(
          all.flatMap((c, i) =>
            c.samples.length % 3 === 0 ? [] : [datasetOnly(hostIds[i]!, NOW - ((i * 53 + c.samples.length * 17) % 960) * 1000)],
          ),
        );
        const specs = all.map((c) => ({
          metric: 'cpuPct' as const,
          forMs: c.params.for as number,
          windowMs: (c.params.for as number) + maxAgeMs,
        }));
        const windowOf = (c: Case) => (c.params.for as number) + maxAgeMs;
        const longest = Math.max(...all.map(windowOf));
        // Every host against every spec would be the same statement; each host is read at its own index.
        // Both ways the store can compute them, on both databases: the SQL statement and the row fold.
        const query = { specs, now: new Date(NOW), scanFrom: new Date(NOW - longest), maxAgeMs };
        const bySql = await windowsBySql(db, query);
        const byRows = await windowsByRows(db, query);
        // What MySQL runs: plain aggregates for the reads they answer exactly, the ordered statement for the rest.
        const byServer = (await windowsOnServer(db, query)).rows;
        // The newest report of each host the scan saw, as latestSampleTimes says; the others reported before it.
        const { newestReports } = await loadMetricWindows(db, query);
        const latest = await s.latestSampleTimes(new Date(NOW));
        for (const hostId of hostIds) {
          const seen = newestReports?.get(hostId);
          if (newestReports === null) break;
          if (seen !== undefined) expect(seen).toBe(latest.get(hostId)?.getTime());
          else expect(latest.get(hostId)?.getTime() ?? -Infinity).toBeLessThanOrEqual(NOW - longest);
          if (seen !== undefined) newestCompared++;
        }
        all.forEach((c, i) => {
          const hostId = hostIds[i]!;
          const samples = c.samples.filter((x) => x.collectedAt.getTime() > NOW - windowOf(c) && x.collectedAt.getTime() <= NOW);
          const input: CheckInput = {
            hostName: `h${i}`,
            hostCreatedAt: new Date(NOW - 600 * MIN),
            params: c.params,
            now: new Date(NOW),
            samples,
            lastReportAt: c.samples.at(-1)?.collectedAt ?? null,
            datasets: [],
            current: c.current,
            sampleMaxAgeMs: maxAgeMs,
          };
          const expected = decision(referenceMetricThreshold.evaluate(input));
          expect(decision(metricThreshold.evaluate(input))).toEqual(expected);
          const folded = byRows.get(hostId)?.[i] ?? null;
          if (folded === 'inexact') throw new Error('the row fold is always exact');
          expect(decision(metricThreshold.evaluate({ ...input, samples: [], summary: folded })), JSON.stringify({ c, folded })).toEqual(
            expected,
          );
          const summary = bySql.get(hostId)?.[i] ?? null;
          // The server's answer is the ordered statement's, whichever statement computed it.
          expect(byServer.get(hostId)?.[i] ?? null, JSON.stringify({ c, maxAgeMs })).toEqual(summary);
          if (aggregatesSuffice(specs[i]!, maxAgeMs)) byAggregates++;
          if (summary === 'inexact') {
            inexact++;
            expect(samples.some((x) => x.cpuPct === null)).toBe(true);
            return;
          }
          expect(summary).toEqual(folded);
          expect(decision(metricThreshold.evaluate({ ...input, samples: [], summary })), JSON.stringify({ c, summary })).toEqual(expected);
          compared++;
        });
      }),
      { numRuns: backend().kind === 'sqlite' ? 120 : 40 },
    );
    expect(compared).toBeGreaterThan(100);
    expect(inexact).toBeGreaterThan(0);
    // Both of the server's statements were compared.
    expect(byAggregates).toBeGreaterThan(50);
    expect(compared + inexact - byAggregates).toBeGreaterThan(50);
    expect(newestCompared).toBeGreaterThan(100);
  });
});
