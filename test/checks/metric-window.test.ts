// metric_threshold decides on a window summary (checks/metric-window.ts) instead of walking the
// samples: over thousands of generated series (gaps, stale data, samples exactly at the window's
// start, equal timestamps, missing metrics, every aggregate, hysteresis), it decides exactly as
// before — status, value and message — as the pre-summary implementation, kept as the oracle.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { metricThreshold } from '../../src/checks/metric-threshold.js';
import { summariseSamples } from '../../src/checks/metric-window.js';
import type { CheckInput } from '../../src/checks/types.js';
import { referenceMetricThreshold } from '../support/metric-threshold-reference.js';
import { caseArb, NOW, type Case } from '../support/metric-series.js';

function input(c: Case, extra: Partial<CheckInput> = {}): CheckInput {
  return {
    hostName: 'web-01',
    hostCreatedAt: new Date(NOW - 86_400_000),
    params: c.params,
    now: new Date(NOW),
    samples: c.samples,
    lastReportAt: c.samples.at(-1)?.collectedAt ?? null,
    datasets: [],
    current: c.current,
    sampleMaxAgeMs: c.maxAgeMs,
    ...extra,
  };
}

const decision = (r: { status: string; value: number | null; message: string }) => ({
  status: r.status,
  value: r.value,
  message: r.message,
});

describe('metric_threshold on a window summary', () => {
  it('decides as the sample-walking implementation did, on samples and on their summary', () => {
    fc.assert(
      fc.property(caseArb(), (c) => {
        const expected = decision(referenceMetricThreshold.evaluate(input(c)));
        expect(decision(metricThreshold.evaluate(input(c)))).toEqual(expected);
        // Handed the summary alone (what the database sends), it decides the same — except avg,
        // which declares a read of the samples themselves.
        if (c.params.aggregate !== 'avg' || c.params.for === 0) {
          const summary = summariseSamples(c.samples, 'cpuPct', NOW, c.params.for as number, c.maxAgeMs);
          expect(decision(metricThreshold.evaluate(input(c, { samples: [], summary })))).toEqual(expected);
        }
      }),
      { numRuns: 5000 },
    );
  });
});
