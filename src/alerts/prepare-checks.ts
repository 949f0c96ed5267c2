// Turns stored host checks into runnable ones: the check function from the registry and the params
// (type defaults under host overrides) normalised once per distinct combination — thousands of hosts
// share a handful of threshold sets. A check that cannot run (unknown function, bad params) is
// reported and skipped; the others still run.

import type { CheckRegistry } from '../checks/registry.js';
import { metricThreshold } from '../checks/metric-threshold.js';
import { normaliseParams } from '../checks/params.js';
import type { CheckFunction } from '../checks/types.js';
import { effectiveRawParams } from '../host-checks/desired.js';
import type { CheckType, EnabledHostCheck, Host, MetricSample } from '../store/types.js';

export type MetricKey = 'cpuPct' | 'memPct' | 'diskPct' | 'load1';

/**
 * Which samples of its window a check reads. Every check receives the samples of its window, except
 * the built-in metric_threshold, whose reading is narrower and documented (metric-threshold.ts): the
 * newest sample carrying its metric when `for` is 0, else the sample in effect when the `for` window
 * began and every one after. Handing it only those gives the same result with a fraction of the
 * work — at 10,000 hosts that is most of a run's time.
 */
export type SampleReads = { kind: 'window' } | { kind: 'threshold'; metric: MetricKey; forMs: number };

export interface PreparedCheck {
  host: Host;
  type: CheckType;
  fn: CheckFunction;
  params: Record<string, unknown>;
  /** How much sample history before `now` this check reads. */
  window: number;
  reads: SampleReads;
}

export interface CheckProblem {
  hostName: string;
  checkKey: string;
  message: string;
}

export type Prepared = { fn: CheckFunction; params: Record<string, unknown>; window: number; reads: SampleReads } | { error: string };

export function prepareChecks(
  hostChecks: EnabledHostCheck[],
  hosts: Map<number, Host>,
  types: Map<number, CheckType>,
  registry: CheckRegistry,
  sampleMaxAgeMs: number,
): { checks: PreparedCheck[]; problems: CheckProblem[] } {
  const checks: PreparedCheck[] = [];
  const problems: CheckProblem[] = [];
  // Keyed by check type and the host's overrides as stored: most hosts have none, so this is one
  // normalisation per check type, not one per host check.
  const cache = new Map<string | number, Prepared>();

  for (const hostCheck of hostChecks) {
    const host = hosts.get(hostCheck.hostId);
    const type = types.get(hostCheck.checkId);
    if (!host || !type) continue; // removed between statements; next run is consistent again
    const cacheKey = hasKeys(hostCheck.params) ? `${type.checkId}\u0000${JSON.stringify(hostCheck.params)}` : type.checkId;
    let prepared = cache.get(cacheKey);
    if (!prepared) {
      prepared = prepareCheckType(type, hostCheck.params, registry, sampleMaxAgeMs);
      cache.set(cacheKey, prepared);
    }
    if ('error' in prepared) {
      problems.push({ hostName: host.hostName, checkKey: type.checkKey, message: prepared.error });
      continue;
    }
    checks.push({ host, type, fn: prepared.fn, params: prepared.params, window: prepared.window, reads: prepared.reads });
  }
  return { checks, problems };
}

/** A check type with one host's overrides, ready to run — or why it cannot. */
export function prepareCheckType(type: CheckType, overrides: Record<string, unknown>, registry: CheckRegistry, sampleMaxAgeMs: number): Prepared {
  if (!registry.has(type.functionName)) {
    const known = registry.list().map((fn) => fn.name).join(', ');
    return { error: `unknown check function '${type.functionName}' (known: ${known}); list its module under plugins:` };
  }
  const fn = registry.get(type.functionName);
  const { params, problems } = normaliseParams(fn, effectiveRawParams(type, overrides));
  if (problems.length > 0) return { error: `bad params: ${problems.map((p) => `${p.key}: ${p.message}`).join('; ')}` };
  return { fn, params, window: fn.window(params, sampleMaxAgeMs), reads: sampleReads(fn, params) };
}

function hasKeys(object: Record<string, unknown>): boolean {
  for (const key in object) if (Object.hasOwn(object, key)) return true;
  return false;
}

const METRIC_FIELDS: Record<string, MetricKey> = { cpu: 'cpuPct', mem: 'memPct', disk: 'diskPct', load: 'load1' };

function sampleReads(fn: CheckFunction, params: Record<string, unknown>): SampleReads {
  // Identity, not name: only the built-in function is known to read this way.
  if (fn !== metricThreshold) return { kind: 'window' };
  const metric = typeof params.metric === 'string' ? METRIC_FIELDS[params.metric] : undefined;
  const forMs = params.for === undefined ? 0 : params.for;
  if (metric === undefined || typeof forMs !== 'number' || !(forMs >= 0)) return { kind: 'window' };
  return { kind: 'threshold', metric, forMs };
}

/**
 * The part of a host's samples (oldest first) that a check reads: those after `now - window`, and
 * of those, for a threshold check, from the newest sample carrying its metric at or before the
 * start of its `for` window (the newest overall when `for` is 0) to the end.
 */
export function samplesRead(check: Pick<PreparedCheck, 'reads' | 'window'>, samples: MetricSample[] | undefined, now: number): MetricSample[] {
  if (!samples || samples.length === 0) return [];
  const from = now - check.window;
  const reads = check.reads;
  if (reads.kind === 'window') return samplesAfter(samples, from);
  const { metric, forMs } = reads;
  const start = now - forMs;
  for (let i = samples.length - 1; i >= 0; i--) {
    const sample = samples[i]!;
    const at = sample.collectedAt.getTime();
    if (at <= from) break;
    if (sample[metric] === null || at > start) continue;
    if (forMs === 0) return [sample];
    return i === 0 ? samples : samples.slice(i);
  }
  // Nothing in the window carries the metric at or before the start: the check finds no value
  // (for 0) or an incomplete window (for > 0) from what it is given, exactly as from everything.
  return forMs === 0 ? [] : samplesAfter(samples, start);
}

/** The samples after `fromMs` (a sorted array, so binary search, no copying of the rest). */
function samplesAfter(samples: MetricSample[], fromMs: number): MetricSample[] {
  let low = 0;
  let high = samples.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (samples[mid]!.collectedAt.getTime() > fromMs) high = mid;
    else low = mid + 1;
  }
  return low === 0 ? samples : samples.slice(low);
}
