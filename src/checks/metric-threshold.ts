// metric_threshold: CPU, memory, disk or load against warn/crit levels, optionally sustained over
// `for` and held open by `clear` (hysteresis).
//
// `for` is stateless: instead of remembering since when a condition holds (Prometheus' pending
// state), each run looks at the samples of the last `for` and aggregates them — by default their
// minimum, so "min >= crit" means "at or above crit for the whole window" (Zabbix's CPU template
// does the same). A dip inside the window resets it, a host that started reporting less than `for`
// ago cannot fire, and replaying a past moment gives the same answer.

import type { MetricSample } from '../store/types.js';
import { formatDurationCompact } from '../time/duration.js';
import { numberParam, severityAbove, stringParam, thresholdOrderProblem } from './param-values.js';
import type { CheckFunction, CheckInput, CheckResult, MetricColumn } from './types.js';
import { coarseAge, formatAmount, hostRef } from './wording.js';
import { checkResult } from './result.js';
import { summariseSamples } from './metric-window.js';

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

export const metricThreshold: CheckFunction = {
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

  readsDatasets: false,

  // It decides on the window's summary (metric-window.ts), which the database computes; avg needs
  // the values themselves: the one in effect when `for` began and every later one.
  reads(params) {
    const metric = readMetric(params);
    const forMs = numberParam(params, 'for') ?? 0;
    if (metric === null || !(forMs >= 0)) return { kind: 'window' };
    const column = METRICS[metric].column;
    return forMs > 0 && readAggregate(params, forMs) === 'avg'
      ? { kind: 'metric', metric: column, forMs }
      : { kind: 'summary', metric: column, forMs };
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
    const settings = settingsOf(input.params);
    if (settings === null) return unknown(`${hostRef(input.hostName)} metric check unknown: param metric is not set`);
    const { info, forMs, warn, crit, clear, how } = settings;
    // Worded only when read: most results' messages never are.
    const subject = (): string => `${hostRef(input.hostName)} ${info.word}`;
    const now = input.now.getTime();
    const maxAge = input.sampleMaxAgeMs;

    // What the database summarised (a { kind: 'summary' } read), or the same computed from samples.
    const window = input.summary !== undefined ? input.summary : summariseSamples(input.samples, info.column, now, forMs, maxAge);
    if (window === null) return unknown(`${subject()} unknown: ${noSamplesReason(input)}`);
    if (now - window.newestAt > maxAge) {
      return unknown(`${subject()} unknown: no recent data (last sample ${coarseAge(now - window.newestAt)} ago)`);
    }

    let value: number;
    if (forMs === 0) {
      value = window.newestValue;
    } else {
      const start = now - forMs;
      // The value in effect at the window's start counts when it was current then.
      const hasStart = window.startAt !== null && start - window.startAt <= maxAge;
      const min = lowest(hasStart ? window.startValue : null, window.insideMin);
      const max = highest(hasStart ? window.startValue : null, window.insideMax);
      // Without the value in effect when the window began, the window is not covered yet; a silence
      // longer than sample_max_age inside it means nobody knows what happened then, so it is not
      // covered either (Prometheus resets a pending alert when its series goes stale).
      const covered = hasStart && (window.gapFrom === null || window.gapTo === null);
      if (!covered) {
        // Not fully covered (a host just started, or data returned after a gap), but the samples it
        // has may already decide: with min, one below the lowest level means ok whatever the missing
        // part held; with max, one at or above crit means critical.
        const decided = decidedWithout(min, max, how, warn, crit, clear, input.current);
        if (decided === null) {
          const forText = formatDurationCompact(forMs);
          const why = !hasStart
            ? `waiting for ${forText} of data (${coarseAge(window.newestAt - (window.firstInsideAt ?? window.newestAt))} so far)`
            : `no data for ${coarseAge(window.gapTo! - window.gapFrom!)} within the last ${forText}`;
          return unknown(`${subject()} unknown: ${why}`);
        }
        value = decided;
      } else if (how === 'min') value = min!;
      else if (how === 'max') value = max!;
      else if (how === 'last') value = window.newestValue;
      else value = average(input.samples, info.column, now, start);
    }

    const status = withHysteresis(severityAbove(value, warn, crit), value, clear, input.current);
    return checkResult(status, value, () => {
      const amount = `${formatAmount(value)}${info.percent ? '%' : ''}`;
      if (status === 'ok') return `${subject()} normal: ${amount}`;
      return `${subject()} ${status}: ${amount}${forMs > 0 ? ` over ${formatDurationCompact(forMs)}` : ''}`;
    });
  },
};

/** The params as evaluate() uses them; null without a metric. */
interface Settings {
  info: MetricInfo;
  forMs: number;
  warn: number | null;
  crit: number | null;
  clear: number | null;
  how: Aggregate;
}

/**
 * Read once per params object, not per host check: `monitor check` hands thousands of host checks
 * the same (frozen, normalised) params, and reading seven typed params each time was a measurable
 * share of a 40,000-check run.
 */
const settingsCache = new WeakMap<Record<string, unknown>, Settings | null>();

function settingsOf(params: Record<string, unknown>): Settings | null {
  let settings = settingsCache.get(params);
  if (settings === undefined) {
    const metric = readMetric(params);
    const forMs = numberParam(params, 'for') ?? 0;
    settings =
      metric === null
        ? null
        : {
            info: METRICS[metric],
            forMs,
            warn: numberParam(params, 'warn'),
            crit: numberParam(params, 'crit'),
            clear: numberParam(params, 'clear'),
            how: readAggregate(params, forMs),
          };
    // Only params nobody can change afterwards (a plugin's test may pass a literal and edit it).
    if (Object.isFrozen(params)) settingsCache.set(params, settings);
  }
  return settings;
}

function readMetric(params: Record<string, unknown>): Metric | null {
  const metric = stringParam(params, 'metric');
  return metric !== null && metric in METRICS ? (metric as Metric) : null;
}

function readAggregate(params: Record<string, unknown>, forMs: number): Aggregate {
  const given = stringParam(params, 'aggregate');
  if (given !== null && (AGGREGATES as readonly string[]).includes(given)) return given as Aggregate;
  return forMs > 0 ? 'min' : 'last';
}

function lowest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function highest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

/**
 * The mean of the values in effect during the window: the newest sample at or before its start and
 * every later one, rounded so the stored value and the decision agree to what people can see. avg
 * declares a whole-metric read (see reads()), so the samples are here.
 */
function average(samples: readonly MetricSample[], column: MetricColumn, now: number, start: number): number {
  let first = -1;
  for (let i = samples.length - 1; i >= 0; i--) {
    const sample = samples[i]!;
    if (sample[column] !== null && sample.collectedAt.getTime() <= start) {
      first = i;
      break;
    }
  }
  let sum = 0;
  let count = 0;
  for (let i = Math.max(first, 0); i < samples.length; i++) {
    const sample = samples[i]!;
    const value = sample[column];
    if (value === null || sample.collectedAt.getTime() > now) continue;
    sum += value;
    count++;
  }
  return Math.round((sum / count) * 100) / 100;
}

/**
 * The value that decides a partly known window, or null when the missing part could change the
 * result. The minimum over the whole window is at most the known minimum: below the lowest level,
 * the result is ok (or held open by `clear`). The maximum is at least the known maximum: at or
 * above crit, the result is critical. avg and last need the whole window.
 */
function decidedWithout(
  min: number | null,
  max: number | null,
  how: Aggregate,
  warn: number | null,
  crit: number | null,
  clear: number | null,
  current: CheckInput['current'],
): number | null {
  if (min === null || max === null) return null;
  if (how === 'min') {
    const lowestLevel = warn ?? crit;
    if (lowestLevel === null || min >= lowestLevel) return null;
    // An open alert held by `clear` resolves only below clear: a value between needs the full window.
    if (clear !== null && min >= clear && (current === 'warning' || current === 'critical')) return null;
    return min;
  }
  if (how === 'max') return crit !== null && max >= crit ? max : null;
  return null;
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
