// Server-side downsampling for charts: a 30-day window of one-minute samples is 43,200 points per
// metric; a chart needs at most ~1,000. The database computes min, avg and max per bucket (so a
// spike survives); this file picks the step and shapes the answer. Pure.

import type { MetricBucket, MetricValues } from '../store/types.js';

export const METRICS = ['cpu_pct', 'mem_pct', 'disk_pct', 'load_1'] as const;
export type MetricName = (typeof METRICS)[number];

/** The most points one series may return. */
export const MAX_POINTS = 1_000;

const FIELD: Record<MetricName, keyof MetricValues> = { cpu_pct: 'cpuPct', mem_pct: 'memPct', disk_pct: 'diskPct', load_1: 'load1' };

export interface Series {
  /** Bucket start times, epoch seconds (uPlot's unit). */
  t: number[];
  /** Per metric: min, avg, max per bucket; null where the bucket had no value. */
  metrics: Record<MetricName, { min: (number | null)[]; avg: (number | null)[]; max: (number | null)[] }>;
}

/**
 * The step actually used: at least `requestedMs` (or one minute), and large enough that
 * (to - from) / step <= MAX_POINTS. Rounded up to whole seconds.
 */
export function effectiveStepMs(fromMs: number, toMs: number, requestedMs: number | null): number {
  const span = Math.max(0, toMs - fromMs);
  const floor = Math.ceil(span / MAX_POINTS / 1000) * 1000;
  return Math.ceil(Math.max(requestedMs ?? 60_000, floor, 1000) / 1000) * 1000;
}

/** The store's buckets (computed by the database) as chart series: bucket start times and arrays per metric. */
export function toSeries(buckets: readonly MetricBucket[], fromMs: number, stepMs: number): Series {
  const metrics = {} as Series['metrics'];
  for (const metric of METRICS) {
    const field = FIELD[metric];
    metrics[metric] = {
      min: buckets.map((b) => b.min[field]),
      avg: buckets.map((b) => (b.avg[field] === null ? null : Math.round(b.avg[field] * 1000) / 1000)),
      max: buckets.map((b) => b.max[field]),
    };
  }
  return { t: buckets.map((b) => Math.floor((fromMs + b.index * stepMs) / 1000)), metrics };
}
