// Generated metric sample series and metric_threshold params for the window-summary equivalence
// tests: minute-ish reports with gaps, bursts, stale tails, samples exactly on the window's start
// and on the edge of the window, equal timestamps, and missing metrics.

import fc from 'fast-check';
import type { CheckStatus, MetricSample } from '../../src/store/types.js';

export const NOW = Date.parse('2026-05-04T12:00:00.000Z');
export const MIN = 60_000;

export interface Case {
  samples: MetricSample[];
  params: Record<string, unknown>;
  current: CheckStatus;
  maxAgeMs: number;
}

const FORS = [0, MIN, 5 * MIN, 7 * MIN];
const MAX_AGES = [2 * MIN, 5 * MIN];
const VALUES = [0, 10, 49.9, 50, 50.1, 79.5, 80, 85, 89.99, 90, 95, 100];

/** A time for a sample: on a boundary that matters (start, start - maxAge, now…) or anywhere. */
function timeArb(forMs: number, maxAgeMs: number): fc.Arbitrary<number> {
  const edges = [
    NOW,
    NOW - forMs,
    NOW - forMs - maxAgeMs,
    NOW - forMs - 1,
    NOW - forMs + 1,
    NOW - maxAgeMs,
    NOW - forMs - maxAgeMs + 1,
    NOW + 1000,
  ];
  return fc.oneof(
    fc.constantFrom(...edges),
    fc.integer({ min: NOW - forMs - 2 * maxAgeMs, max: NOW }),
    // Whole seconds, so several samples share a time now and then.
    fc.integer({ min: -(forMs + 2 * maxAgeMs) / 30_000, max: 0 }).map((k) => NOW + k * 30_000),
  );
}

const valueArb = fc.option(fc.constantFrom(...VALUES), { freq: 6, nil: null });

export function caseArb(): fc.Arbitrary<Case> {
  return fc
    .record({
      forMs: fc.constantFrom(...FORS),
      maxAgeMs: fc.constantFrom(...MAX_AGES),
      warn: fc.option(fc.constantFrom(50, 80), { nil: undefined }),
      crit: fc.option(fc.constantFrom(80, 90), { nil: undefined }),
      clear: fc.option(fc.constantFrom(40, 49.9, 79.5), { nil: undefined }),
      aggregate: fc.option(fc.constantFrom('min', 'max', 'last', 'avg'), { nil: undefined }),
      current: fc.constantFrom<CheckStatus>('ok', 'warning', 'critical'),
    })
    .chain((p) =>
      fc.array(fc.record({ at: timeArb(p.forMs, p.maxAgeMs), cpu: valueArb, mem: valueArb }), { maxLength: 14 }).map((raw): Case => {
        // Oldest first; a tie keeps the order the store gives it: by cpu, then mem, nulls first.
        const samples = raw
          .map(({ at, cpu, mem }) => ({ collectedAt: new Date(at), cpuPct: cpu, memPct: mem, diskPct: null, load1: null }))
          .filter((s) => s.cpuPct !== null || s.memPct !== null)
          .sort((a, b) => a.collectedAt.getTime() - b.collectedAt.getTime() || order(a.cpuPct, b.cpuPct) || order(a.memPct, b.memPct));
        const params: Record<string, unknown> = { metric: 'cpu', for: p.forMs };
        const warn = p.warn !== undefined && p.crit !== undefined && p.warn > p.crit ? undefined : p.warn;
        if (warn !== undefined) params.warn = warn;
        if (p.crit !== undefined || warn === undefined) params.crit = p.crit ?? 90;
        if (p.clear !== undefined) params.clear = p.clear;
        if (p.aggregate !== undefined) params.aggregate = p.aggregate;
        return { samples, params, current: p.current, maxAgeMs: p.maxAgeMs };
      }),
    );
}

/** SQL's ascending order of a nullable number: nulls first. */
function order(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a - b;
}
