// Server-side downsampling for charts: a 30-day window of one-minute samples is 43,200 points per
// metric; a chart needs at most ~1,000. Each bucket keeps min, avg and max, so a spike survives.
// Pure: samples in (oldest first), buckets out.

import type { MetricSample } from '../store/types.js';

export const METRICS = ['cpu_pct', 'mem_pct', 'disk_pct', 'load_1'] as const;
export type MetricName = (typeof METRICS)[number];

/** The most points one series may return. */
export const MAX_POINTS = 1_000;

const FIELD: Record<MetricName, keyof MetricSample> = { cpu_pct: 'cpuPct', mem_pct: 'memPct', disk_pct: 'diskPct', load_1: 'load1' };

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
  return Math.max(requestedMs ?? 60_000, floor, 1000);
}

/** Buckets [from + k*step, from + (k+1)*step); only buckets holding a sample are returned. */
export function downsample(samples: readonly MetricSample[], fromMs: number, stepMs: number): Series {
  const t: number[] = [];
  const acc = METRICS.map((metric) => ({ field: FIELD[metric], min: [] as (number | null)[], avg: [] as (number | null)[], max: [] as (number | null)[], sum: 0, n: 0 }));
  const endBucket = (): void => {
    for (const a of acc) {
      a.avg.push(a.n === 0 ? null : Math.round((a.sum / a.n) * 1000) / 1000);
      a.sum = 0;
      a.n = 0;
    }
  };
  let bucket = Number.NaN;
  for (const sample of samples) {
    const k = Math.floor((sample.collectedAt.getTime() - fromMs) / stepMs);
    if (k !== bucket) {
      if (!Number.isNaN(bucket)) endBucket();
      bucket = k;
      t.push(Math.floor((fromMs + k * stepMs) / 1000));
      for (const a of acc) {
        a.min.push(null);
        a.max.push(null);
      }
    }
    for (const a of acc) {
      const value = sample[a.field] as number | null;
      if (value === null) continue;
      const last = a.min.length - 1;
      if (a.n === 0 || value < (a.min[last] as number)) a.min[last] = value;
      if (a.n === 0 || value > (a.max[last] as number)) a.max[last] = value;
      a.sum += value;
      a.n++;
    }
  }
  if (!Number.isNaN(bucket)) endBucket();
  const metrics = {} as Series['metrics'];
  METRICS.forEach((metric, i) => {
    const { min, avg, max } = acc[i]!;
    metrics[metric] = { min, avg, max };
  });
  return { t, metrics };
}
