// What a check reading one metric over a `for` window needs to know of its samples, in a few
// numbers instead of every sample: `monitor check` has the database compute it (one row per host and
// declared read, store/sql/metric-windows.ts), and summariseSamples() computes the very same from
// samples (a plugin's tests, a host whose samples the database could not summarise exactly). A check
// that declares a { kind: 'summary' } read (CheckFunction.reads) decides on this alone.
//
// Samples are taken oldest first; samples at the same time keep their order (the store sorts them by
// collected_at, then the metric columns cpu, mem, disk, load, as the covering index does), so "the
// newest" and "the one in effect at the start" are the last of a tie.

import type { MetricSample } from '../store/types.js';
import type { MetricColumn } from './types.js';

export interface MetricWindow {
  /** The newest sample carrying the metric (epoch ms) and its value. */
  newestAt: number;
  newestValue: number;
  /**
   * For a `for` window (forMs > 0; all null with 0): the newest sample carrying the metric at or
   * before the window's start (now - forMs) and its value, or null when there is none in the window.
   */
  startAt: number | null;
  startValue: number | null;
  /** The oldest sample inside the window (after its start), or null. */
  firstInsideAt: number | null;
  /** The lowest and highest value inside the window (after its start), or null when none. */
  insideMin: number | null;
  insideMax: number | null;
  /**
   * The first silence longer than sample_max_age between consecutive samples after the start
   * sample: the sample before it and the sample after it (epoch ms), or null when there is none.
   */
  gapFrom: number | null;
  gapTo: number | null;
}

/**
 * The MetricWindow of these samples for `metric` at `now` (samples after now are ignored), or null
 * when none carries the metric. `forMs` 0 fills only the newest sample.
 */
export function summariseSamples(
  samples: readonly MetricSample[],
  metric: MetricColumn,
  now: number,
  forMs: number,
  maxAgeMs: number,
): MetricWindow | null {
  const window = new WindowBuilder(now, forMs, maxAgeMs);
  for (const sample of samples) {
    const value = sample[metric];
    const at = sample.collectedAt.getTime();
    if (value !== null && at <= now) window.add(at, value);
  }
  return window.summary;
}

/** A summary that knows only its newest sample so far (the rest is filled in as samples come). */
export function newestOnly(newestAt: number, newestValue: number): MetricWindow {
  return {
    newestAt,
    newestValue,
    startAt: null,
    startValue: null,
    firstInsideAt: null,
    insideMin: null,
    insideMax: null,
    gapFrom: null,
    gapTo: null,
  };
}

/** A MetricWindow built one sample at a time, oldest first (only samples carrying the metric, up to now). */
export class WindowBuilder {
  summary: MetricWindow | null = null;
  private previousAt = 0;
  private readonly start: number;

  constructor(
    now: number,
    private readonly forMs: number,
    private readonly maxAgeMs: number,
  ) {
    this.start = now - forMs;
  }

  add(at: number, value: number): void {
    let summary = this.summary;
    if (summary === null) {
      this.summary = summary = newestOnly(at, value);
    } else {
      summary.newestAt = at;
      summary.newestValue = value;
    }
    if (this.forMs > 0) {
      if (at <= this.start) {
        summary.startAt = at;
        summary.startValue = value;
      } else {
        summary.firstInsideAt ??= at;
        // The sample before this one is the start sample or an earlier one inside the window.
        if (summary.startAt !== null && summary.gapFrom === null && at - this.previousAt > this.maxAgeMs) {
          summary.gapFrom = this.previousAt;
          summary.gapTo = at;
        }
        summary.insideMin = summary.insideMin === null ? value : Math.min(summary.insideMin, value);
        summary.insideMax = summary.insideMax === null ? value : Math.max(summary.insideMax, value);
      }
    }
    this.previousAt = at;
  }
}
