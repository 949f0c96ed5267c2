// The metric_threshold evaluate() as it was before it decided on a window summary (commit 8744b88),
// kept as the oracle the summary path is tested against (test/checks/metric-window.test.ts,
// test/commands/check-metric-windows.test.ts).

// metric_threshold: CPU, memory, disk or load against warn/crit levels, optionally sustained over
// `for` and held open by `clear` (hysteresis).
//
// `for` is stateless: instead of remembering since when a condition holds (Prometheus' pending
// state), each run looks at the samples of the last `for` and aggregates them — by default their
// minimum, so "min >= crit" means "at or above crit for the whole window" (Zabbix's CPU template
// does the same). A dip inside the window resets it, a host that started reporting less than `for`
// ago cannot fire, and replaying a past moment gives the same answer.

import type { MetricSample } from '../../src/store/types.js';
import { formatDurationCompact } from '../../src/time/duration.js';
import { numberParam, severityAbove, stringParam, thresholdOrderProblem } from '../../src/checks/param-values.js';
import type { CheckFunction, CheckInput, CheckResult, MetricColumn } from '../../src/checks/types.js';
import { coarseAge, formatAmount, hostRef } from '../../src/checks/wording.js';
import { checkResult } from '../../src/checks/result.js';

type Metric = 'cpu' | 'mem' | 'disk' | 'load';
type Aggregate = 'avg' | 'max' | 'min' | 'last';

interface MetricInfo {
  word: string;
  percent: boolean;
  column: MetricColumn;
}

const METRICS: Record<Metric, MetricInfo> = {
  cpu: { word: 'CPU usage', percent: true, column: 'cpuPct' },
  mem: { word: 'memory usage', percent: true, column: 'memPct' },
  disk: { word: 'disk usage', percent: true, column: 'diskPct' },
  load: { word: 'load average', percent: false, column: 'load1' },
};

const AGGREGATES: readonly Aggregate[] = ['avg', 'max', 'min', 'last'];

interface Point {
  t: number;
  v: number;
}

export const referenceMetricThreshold: CheckFunction = {
  name: 'metric_threshold',
  description: 'CPU, memory or disk percent, or load average, at or above warn/crit levels',
  params: {
    metric: {
      type: 'enum',
      values: Object.keys(METRICS),
      required: true,
      description: 'cpu, mem or disk (percent), or load (1-minute load average)',
    },
    warn: { type: 'number', min: 0, description: 'warning at or above this value' },
    crit: { type: 'number', min: 0, description: 'critical at or above this value' },
    for: { type: 'duration', description: 'how long the level must hold before the alert opens (default 0: at once)' },
    clear: {
      type: 'number',
      min: 0,
      description: 'an open alert stays open until the value drops below this (default: below warn, or crit without warn)',
    },
    aggregate: {
      type: 'enum',
      values: AGGREGATES,
      description: 'how the samples over `for` combine (default min: the whole window; last when for is 0)',
    },
  },

  window(params, sampleMaxAgeMs) {
    return (numberParam(params, 'for') ?? 0) + sampleMaxAgeMs;
  },

  // Narrower than the window, documented in windowPoints(): the value in effect when `for` began
  // and every later one; with for 0, the newest value alone.
  reads(params) {
    const metric = readMetric(params);
    const forMs = numberParam(params, 'for') ?? 0;
    return metric !== null && forMs >= 0 ? { kind: 'metric', metric: METRICS[metric].column, forMs } : { kind: 'window' };
  },

  validate(params) {
    const problems = thresholdOrderProblem(params);
    const warn = numberParam(params, 'warn');
    const crit = numberParam(params, 'crit');
    const clear = numberParam(params, 'clear');
    const metric = readMetric(params);
    if (warn === null && crit === null) {
      problems.push({ key: 'crit', message: 'set warn, crit or both' });
    }
    if (metric && METRICS[metric].percent) {
      for (const [key, value] of [
        ['warn', warn],
        ['crit', crit],
        ['clear', clear],
      ] as const) {
        if (value !== null && value > 100)
          problems.push({ key, message: `must be at most 100 for ${metric} (a percentage), got ${value}` });
      }
    }
    const lowest = warn ?? crit;
    if (clear !== null && lowest !== null && clear > lowest) {
      problems.push({
        key: 'clear',
        message: `must not be above ${warn !== null ? 'warn' : 'crit'} (${lowest}), got ${clear}: it is the level an alert must fall below to resolve`,
      });
    }
    return problems;
  },

  evaluate(input) {
    const { params } = input;
    const metric = readMetric(params);
    const host = hostRef(input.hostName);
    if (!metric) return unknown(`${host} metric check unknown: param metric is not set`);
    const info = METRICS[metric];
    const subject = `${host} ${info.word}`;
    const forMs = numberParam(params, 'for') ?? 0;
    const now = input.now.getTime();

    const points = collectPoints(input.samples, info, now);
    const newest = points.at(-1);
    if (!newest) return unknown(`${subject} unknown: ${noSamplesReason(input)}`);
    if (now - newest.t > input.sampleMaxAgeMs) {
      return unknown(`${subject} unknown: no recent data (last sample ${coarseAge(now - newest.t)} ago)`);
    }

    const warn = numberParam(params, 'warn');
    const crit = numberParam(params, 'crit');
    let value: number;
    if (forMs === 0) {
      value = newest.v;
    } else {
      const how = readAggregate(params, forMs);
      const span = windowPoints(points, now - forMs, formatDurationCompact(forMs), input.sampleMaxAgeMs);
      if (typeof span === 'object' && !Array.isArray(span)) {
        // The window is not fully covered (a host just started, or data returned after a gap), but
        // the samples it has may already decide: with min, one below the lowest level means ok
        // whatever the missing part held; with max, one at or above crit means critical.
        const decided = decidedWithout(span.known, how, warn, crit, numberParam(params, 'clear'), input.current);
        if (decided === null) return unknown(`${subject} unknown: ${span.why}`);
        value = decided;
      } else value = aggregate(span, how);
    }

    const status = withHysteresis(severityAbove(value, warn, crit), value, numberParam(params, 'clear'), input.current);
    return checkResult(status, value, () => {
      const amount = `${formatAmount(value)}${info.percent ? '%' : ''}`;
      if (status === 'ok') return `${subject} normal: ${amount}`;
      return `${subject} ${status}: ${amount}${forMs > 0 ? ` over ${formatDurationCompact(forMs)}` : ''}`;
    });
  },
};

function readMetric(params: Record<string, unknown>): Metric | null {
  const metric = stringParam(params, 'metric');
  return metric !== null && metric in METRICS ? (metric as Metric) : null;
}

function readAggregate(params: Record<string, unknown>, forMs: number): Aggregate {
  const given = stringParam(params, 'aggregate');
  if (given !== null && (AGGREGATES as readonly string[]).includes(given)) return given as Aggregate;
  return forMs > 0 ? 'min' : 'last';
}

function collectPoints(samples: MetricSample[], info: MetricInfo, now: number): Point[] {
  const points: Point[] = [];
  for (const sample of samples) {
    const v = sample[info.column];
    const t = sample.collectedAt.getTime();
    if (v !== null && t <= now) points.push({ t, v });
  }
  return points;
}

/**
 * The values in effect during (start, now]: the newest sample at or before `start` (it held at the
 * window's start) and every later one. Without that first sample the window is not covered yet; a
 * silence longer than maxAge inside it means nobody knows what happened then, so the window is not
 * covered either (Prometheus resets a pending alert when its series goes stale). Then what is known
 * of the window comes back, with why it is not covered, for decidedWithout().
 */
function windowPoints(points: Point[], start: number, forText: string, maxAgeMs: number): number[] | { known: number[]; why: string } {
  let first = -1;
  for (let i = points.length - 1; i >= 0; i--) {
    if (points[i]!.t <= start) {
      first = i;
      break;
    }
  }
  // What is known of the window: the samples inside it, and the one in effect at its start if current then.
  const inside = points.filter((p) => p.t > start);
  const startValue = first !== -1 && start - points[first]!.t <= maxAgeMs ? [points[first]!.v] : [];
  const known = [...startValue, ...inside.map((p) => p.v)];
  if (startValue.length === 0) {
    const since = inside[0]?.t ?? lastT(points);
    return { known, why: `waiting for ${forText} of data (${coarseAge(lastT(points) - since)} so far)` };
  }
  for (let i = first + 1; i < points.length; i++) {
    const gap = points[i]!.t - points[i - 1]!.t;
    if (gap > maxAgeMs) return { known, why: `no data for ${coarseAge(gap)} within the last ${forText}` };
  }
  return points.slice(first).map((p) => p.v);
}

function lastT(points: Point[]): number {
  return points.at(-1)!.t;
}

/**
 * The value that decides a partly known window, or null when the missing part could change the
 * result. The minimum over the whole window is at most the known minimum: below the lowest level,
 * the result is ok (or held open by `clear`). The maximum is at least the known maximum: at or
 * above crit, the result is critical. avg and last need the whole window.
 */
function decidedWithout(
  known: number[],
  how: Aggregate,
  warn: number | null,
  crit: number | null,
  clear: number | null,
  current: CheckInput['current'],
): number | null {
  if (known.length === 0) return null;
  if (how === 'min') {
    const min = Math.min(...known);
    const lowest = warn ?? crit;
    if (lowest === null || min >= lowest) return null;
    // An open alert held by `clear` resolves only below clear: a value between needs the full window.
    if (clear !== null && min >= clear && (current === 'warning' || current === 'critical')) return null;
    return min;
  }
  if (how === 'max') {
    const max = Math.max(...known);
    return crit !== null && max >= crit ? max : null;
  }
  return null;
}

function aggregate(values: number[], how: Aggregate): number {
  switch (how) {
    case 'min':
      return values.reduce((a, b) => Math.min(a, b));
    case 'max':
      return values.reduce((a, b) => Math.max(a, b));
    case 'last':
      return values.at(-1)!;
    case 'avg':
      // Rounded so the stored value and the decision agree to what people can see.
      return Math.round((values.reduce((sum, v) => sum + v, 0) / values.length) * 100) / 100;
  }
}

/**
 * An open alert (current warning/critical) does not resolve until the value drops below `clear`:
 * between clear and the lowest threshold it keeps its severity. Above that, severity follows the
 * thresholds, so escalation and de-escalation still happen.
 */
function withHysteresis(
  status: 'ok' | 'warning' | 'critical',
  value: number,
  clear: number | null,
  current: CheckInput['current'],
): CheckResult['status'] {
  if (status === 'ok' && clear !== null && value >= clear && (current === 'warning' || current === 'critical')) return current;
  return status;
}

/**
 * `monitor check` loads only the samples of the window, so a host that went quiet shows up as "no
 * samples"; the last report time tells that apart from a host whose reports lack this metric.
 */
function noSamplesReason(input: CheckInput): string {
  const last = input.lastReportAt;
  if (last === null) return 'no data yet';
  const age = input.now.getTime() - last.getTime();
  return age > input.sampleMaxAgeMs ? `no recent data (last report ${coarseAge(age)} ago)` : 'no data';
}

function unknown(message: string): CheckResult {
  return { status: 'unknown', value: null, message };
}
