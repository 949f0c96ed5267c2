// The shortcuts that make a 10,000-host `monitor check` run fast must never change what it decides.
// Each is checked here against the slow, obvious way, over many generated cases (a seeded generator,
// so a failure is reproducible):
//   - a threshold check handed only the samples it reads (samplesRead) decides exactly as with its
//     whole window;
//   - settled() says "nothing to do" only when the evaluator itself returns no transition and a
//     state that needs no write;
//   - a history stored collapsed ("o" for "ooooo") leads the evaluator to the same decisions.

import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/alerts/evaluate.js';
import { sameFlapHistory, settled, stateChanged } from '../../src/alerts/evaluate-all.js';
import { samplesRead, type PreparedCheck } from '../../src/alerts/prepare-checks.js';
import type { SampleReads } from '../../src/checks/types.js';
import type { FlapSettings, OpenAlertRef } from '../../src/alerts/types.js';
import { metricThreshold } from '../../src/checks/metric-threshold.js';
import { normaliseParams } from '../../src/checks/params.js';
import type { CheckResult } from '../../src/checks/types.js';
import type { CheckState, CheckStatus, MetricSample } from '../../src/store/types.js';

const MIN = 60_000;
const NOW = Date.parse('2026-05-04T12:00:00.000Z');
const FLAP: FlapSettings = { window: 21, highPct: 20, lowPct: 5 };

/** xorshift32: the same cases on every run. */
function generator(seed: number) {
  let x = seed;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  return {
    next,
    int: (below: number) => Math.floor(next() * below),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

describe('samplesRead: a threshold check decides the same on its samples as on its whole window', () => {
  const random = generator(20260504);
  const metrics = ['cpu', 'mem', 'disk', 'load'] as const;
  const fields = { cpu: 'cpuPct', mem: 'memPct', disk: 'diskPct', load: 'load1' } as const;

  /** Irregular reports (30 s to 12 min apart), some without the metric, values around the thresholds. */
  function samples(): MetricSample[] {
    const list: MetricSample[] = [];
    let at = NOW - random.int(3) * MIN;
    while (at > NOW - 40 * MIN) {
      const value = () => (random.next() < 0.15 ? null : 60 + random.int(40));
      list.unshift({ collectedAt: new Date(at), cpuPct: value(), memPct: value(), diskPct: value(), load1: value() });
      at -= random.pick([30_000, MIN, MIN, MIN, 2 * MIN, 5 * MIN, 12 * MIN]);
    }
    return list;
  }

  it('for 2,000 generated hosts and thresholds', () => {
    for (let i = 0; i < 2000; i++) {
      const metric = random.pick(metrics);
      const raw: Record<string, unknown> = { metric, warn: 80, crit: 90, for: random.pick(['0s', '0s', '1m', '5m', '10m']) };
      if (random.next() < 0.3) raw.aggregate = random.pick(['avg', 'max', 'min', 'last']);
      if (random.next() < 0.3) raw.clear = 75;
      const { params, problems } = normaliseParams(metricThreshold, raw);
      expect(problems).toEqual([]);
      const maxAge = random.pick([5 * MIN, 10 * MIN]);
      const window = metricThreshold.window(params, maxAge);
      const reads: SampleReads = { kind: 'metric', metric: fields[metric], forMs: params.for as number };
      const check = { reads, window } satisfies Pick<PreparedCheck, 'reads' | 'window'>;
      const all = samples();
      const now = NOW - random.int(5) * 20_000;
      const inWindow = all.filter((s) => s.collectedAt.getTime() > now - window && s.collectedAt.getTime() <= now);
      const input = (given: MetricSample[]) => ({
        hostName: 'h',
        hostCreatedAt: new Date(NOW - 86_400_000),
        params,
        now: new Date(now),
        samples: given,
        lastReportAt: inWindow.at(-1)?.collectedAt ?? null,
        datasets: [],
        current: random.pick(['ok', 'ok', 'warning', 'critical'] as const),
        sampleMaxAgeMs: maxAge,
      });
      const base = input(inWindow);
      const read = samplesRead(
        check,
        all.filter((s) => s.collectedAt.getTime() <= now),
        now,
      );
      expect(read.length).toBeLessThanOrEqual(inWindow.length);
      expect(metricThreshold.evaluate({ ...base, samples: read })).toEqual(metricThreshold.evaluate(base));
    }
  });

  it('hands a check without `for` only the newest sample carrying its metric', () => {
    const list: MetricSample[] = [
      { collectedAt: new Date(NOW - 3 * MIN), cpuPct: 1, memPct: 91, diskPct: 1, load1: 1 },
      { collectedAt: new Date(NOW - 2 * MIN), cpuPct: 2, memPct: null, diskPct: 2, load1: 2 },
    ];
    const reads: SampleReads = { kind: 'metric', metric: 'memPct', forMs: 0 };
    expect(samplesRead({ reads, window: 10 * MIN }, list, NOW)).toEqual([list[0]]);
    expect(samplesRead({ reads: { ...reads, metric: 'diskPct' }, window: 10 * MIN }, list, NOW)).toEqual([list[1]]);
    // Outside the window it is not read at all.
    expect(samplesRead({ reads, window: 2 * MIN }, list, NOW)).toEqual([]);
  });
});

describe('settled(): the evaluator would do nothing and write nothing', () => {
  const random = generator(1_234_567);
  const statuses: CheckStatus[] = ['ok', 'warning', 'critical', 'unknown'];

  function history(): string {
    const letters = random.next() < 0.5 ? ['o'] : random.next() < 0.5 ? ['w', 'c'] : ['o', 'w', 'c'];
    return Array.from({ length: random.int(22) }, () => random.pick(letters)).join('');
  }

  it('for 20,000 generated states, results and alert records', () => {
    let settledCount = 0;
    for (let i = 0; i < 20_000; i++) {
      const status = random.pick(statuses);
      const previous: CheckState | null =
        random.next() < 0.05
          ? null
          : {
              hostId: 1,
              checkId: 2,
              status: random.pick(statuses),
              since: new Date(NOW - random.int(100) * MIN),
              history: history(),
              flapping: random.next() < 0.1,
              evaluatedAt: new Date(NOW - MIN),
              lastResolvedAt: random.next() < 0.5 ? null : new Date(NOW - random.int(20) * MIN),
              openNotified: random.next() < 0.5,
              lastNotifiedAt: random.next() < 0.3 ? null : new Date(NOW - random.int(300) * MIN),
            };
      const open: OpenAlertRef | null =
        random.next() < 0.5
          ? null
          : {
              alertId: 7,
              severity: random.pick(['warning', 'critical'] as const),
              acknowledged: random.next() < 0.2,
              triggeredAt: new Date(NOW - random.int(300) * MIN),
              peakValue: random.pick([null, 0, 1, 2]),
            };
      const result: CheckResult = { status, value: random.pick([0, 1, 2]), message: status };
      const repeatMs = random.pick([0, 60 * MIN, 240 * MIN]);
      const lowerIsWorse = random.next() < 0.2;
      const flap =
        random.next() < 0.9
          ? FLAP
          : { window: random.pick([1, 5, 21]), highPct: random.pick([0, 20, 50]), lowPct: random.pick([-1, 0, 5]) };
      if (!settled(previous, result, open, flap, { nowMs: NOW, repeatMs, lowerIsWorse })) continue;
      settledCount++;
      const outcome = evaluate({
        check: {
          hostId: 1,
          hostName: 'h',
          checkId: 2,
          checkKey: 'disk_space',
          checkName: 'Disk Space',
          cooldownMs: 300_000,
          repeatMs,
          lowerIsWorse,
        },
        result,
        previous,
        openAlert: open,
        now: new Date(NOW),
        flap,
      });
      expect(outcome.transitions).toEqual([]);
      expect(outcome.peak ?? null).toBeNull();
      expect(stateChanged(previous, outcome.state)).toBe(false);
    }
    // The generator must reach the fast path often, or this proves nothing.
    expect(settledCount).toBeGreaterThan(1000);
  });
});

describe('a history stored collapsed leads to the same decisions', () => {
  it('sameFlapHistory treats a longer run of the oldest letter as the same history, and nothing else', () => {
    expect(sameFlapHistory('o', 'ooooo')).toBe(true);
    expect(sameFlapHistory('occo', 'oooocco')).toBe(true);
    expect(sameFlapHistory('occo', 'cco')).toBe(false);
    expect(sameFlapHistory('oc', 'oco')).toBe(false);
    expect(sameFlapHistory('', 'o')).toBe(false);
  });

  it('the evaluator decides the same from either form, over every sequence of five results', () => {
    const letters: CheckStatus[] = ['ok', 'warning', 'critical'];
    const histories = ['o', 'ooooooooooo', 'oc', 'ooooooooooc', 'ocococo', 'oooooooooooooocococo', 'c', 'ccccccccccccccccccccc'];
    for (const stored of histories) {
      const collapsed = stored.replace(/^(.)\1+/, '$1');
      for (let code = 0; code < 3 ** 5; code++) {
        const results = Array.from({ length: 5 }, (_, k) => letters[Math.floor(code / 3 ** k) % 3]!);
        const play = (history: string) => {
          let state: CheckState = {
            hostId: 1,
            checkId: 2,
            status: 'ok',
            since: new Date(NOW),
            history,
            flapping: false,
            evaluatedAt: new Date(NOW),
            lastResolvedAt: null,
            openNotified: false,
          };
          let open: OpenAlertRef | null = null;
          const seen: string[] = [];
          results.forEach((status, k) => {
            const outcome = evaluate({
              check: { hostId: 1, hostName: 'h', checkId: 2, checkKey: 'disk_space', checkName: 'Disk Space', cooldownMs: 0 },
              result: { status, value: null, message: status },
              previous: state,
              openAlert: open,
              now: new Date(NOW + (k + 1) * MIN),
              flap: FLAP,
            });
            for (const t of outcome.transitions) {
              seen.push(`${t.event}:${t.notify}`);
              if (t.action?.kind === 'open') open = { alertId: 1, severity: t.action.severity, acknowledged: false };
              if (t.action?.kind === 'change_severity' && open) open = { ...open, severity: t.action.severity };
              if (t.action?.kind === 'resolve') open = null;
            }
            seen.push(`flapping:${outcome.state.flapping}`);
            state = outcome.state;
          });
          return seen;
        };
        expect(play(collapsed), `${stored} then ${results.join(',')}`).toEqual(play(stored));
      }
    }
  });
});
