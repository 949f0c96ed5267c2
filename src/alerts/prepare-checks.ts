// Turns stored host checks into runnable ones: the check function from the registry and the params
// (type defaults under host overrides) normalised once per distinct combination — thousands of hosts
// share a handful of threshold sets. A check that cannot run (unknown function, bad params) is
// reported and skipped; the others still run.

import type { CheckRegistry } from '../checks/registry.js';
import { normaliseParams } from '../checks/params.js';
import type { CheckFunction, MetricColumn, SampleReads } from '../checks/types.js';
import { effectiveRawParams } from '../host-checks/desired.js';
import type { CheckedHost, CheckType, Host, MetricSample } from '../store/types.js';

export interface PreparedCheck {
  host: Host;
  type: CheckType;
  fn: CheckFunction;
  params: Record<string, unknown>;
  /** How much sample history before `now` this check reads. */
  window: number;
  /** Which of those samples, as the function declares (CheckFunction.reads). */
  reads: SampleReads;
}

export interface CheckProblem {
  hostName: string;
  checkKey: string;
  message: string;
}

export type Prepared = { fn: CheckFunction; params: Record<string, unknown>; window: number; reads: SampleReads } | { error: string };

export function prepareChecks(
  hosts: CheckedHost[],
  types: Map<number, CheckType>,
  registry: CheckRegistry,
  sampleMaxAgeMs: number,
): { checks: PreparedCheck[]; problems: CheckProblem[] } {
  const checks: PreparedCheck[] = [];
  const problems: CheckProblem[] = [];
  // By the host's overrides object (one per distinct text: most hosts share the empty one), then
  // check: one normalisation per check type and override text, not one per host check.
  const cache = new Map<Record<string, unknown>, Map<number, Prepared>>();

  for (const { host, checkIds, params } of hosts) {
    for (let i = 0; i < checkIds.length; i++) {
      const type = types.get(checkIds[i]!);
      if (!type) continue; // removed between statements; next run is consistent again
      const overrides = params[i]!;
      let byType = cache.get(overrides);
      if (!byType) cache.set(overrides, (byType = new Map<number, Prepared>()));
      let prepared = byType.get(type.checkId);
      if (!prepared) byType.set(type.checkId, (prepared = prepareCheckType(type, overrides, registry, sampleMaxAgeMs)));
      if ('error' in prepared) {
        problems.push({ hostName: host.hostName, checkKey: type.checkKey, message: prepared.error });
        continue;
      }
      checks.push({ host, type, fn: prepared.fn, params: prepared.params, window: prepared.window, reads: prepared.reads });
    }
  }
  return { checks, problems };
}

/** A check type with one host's overrides, ready to run — or why it cannot. */
export function prepareCheckType(
  type: CheckType,
  overrides: Record<string, unknown>,
  registry: CheckRegistry,
  sampleMaxAgeMs: number,
): Prepared {
  if (!registry.has(type.functionName)) {
    const known = registry
      .list()
      .map((fn) => fn.name)
      .join(', ');
    return { error: `unknown check function '${type.functionName}' (known: ${known}); list its module under plugins:` };
  }
  const fn = registry.get(type.functionName);
  const { params, problems } = normaliseParams(fn, effectiveRawParams(type, overrides));
  if (problems.length > 0) return { error: `bad params: ${problems.map((p) => `${p.key}: ${p.message}`).join('; ')}` };
  const window = fn.window(params, sampleMaxAgeMs);
  const reads = declaredReads(fn, params, window);
  if (typeof reads === 'string') return { error: reads };
  // Frozen: thousands of host checks share it, and check functions may cache what they read of it.
  return { fn, params: Object.freeze(params), window, reads };
}

const METRIC_COLUMNS: readonly string[] = ['cpuPct', 'memPct', 'diskPct', 'load1'] satisfies readonly MetricColumn[];
const WHOLE_WINDOW: SampleReads = { kind: 'window' };

/**
 * What the function says it reads (the whole window when it says nothing), or why that cannot be
 * used: a plugin's declaration is checked here, once per check type, not trusted per sample.
 */
function declaredReads(fn: CheckFunction, params: Record<string, unknown>, window: number): SampleReads | string {
  if (fn.reads === undefined) return WHOLE_WINDOW;
  let reads: unknown;
  try {
    reads = fn.reads(params);
  } catch (error) {
    return `reads() failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (typeof reads === 'object' && reads !== null) {
    const declared = reads as Record<string, unknown>;
    if (declared.kind === 'window') return WHOLE_WINDOW;
    const { metric, forMs } = declared;
    if (
      (declared.kind === 'metric' || declared.kind === 'summary') &&
      typeof metric === 'string' &&
      METRIC_COLUMNS.includes(metric) &&
      typeof forMs === 'number' &&
      forMs >= 0 &&
      forMs <= window
    ) {
      return { kind: declared.kind, metric: metric as MetricColumn, forMs };
    }
  }
  return `reads() must return { kind: 'window' } or { kind: 'metric' or 'summary', metric: ${METRIC_COLUMNS.join('|')}, forMs: 0 to the window (${window} ms) }, got ${JSON.stringify(reads)}`;
}

/**
 * The part of a host's samples (oldest first) that a check reads: those after `now - window`, and
 * of those, for a check reading one metric, from the newest sample carrying its metric at or before the
 * start of its `for` window (the newest overall when `for` is 0) to the end.
 */
export function samplesRead(
  check: Pick<PreparedCheck, 'reads' | 'window'>,
  samples: MetricSample[] | undefined,
  now: number,
): MetricSample[] {
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
