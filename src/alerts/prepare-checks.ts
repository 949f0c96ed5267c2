// Turns stored host checks into runnable ones: the check function from the registry and the params
// (type defaults under host overrides) normalised once per distinct combination — thousands of hosts
// share a handful of threshold sets. A check that cannot run (unknown function, bad params) is
// reported and skipped; the others still run.

import type { CheckRegistry } from '../checks/registry.js';
import { normaliseParams } from '../checks/params.js';
import type { CheckFunction } from '../checks/types.js';
import { canonicalJson } from '../host-checks/canonical-json.js';
import { effectiveRawParams } from '../host-checks/desired.js';
import type { CheckType, Host, HostCheck } from '../store/types.js';

export interface PreparedCheck {
  host: Host;
  type: CheckType;
  fn: CheckFunction;
  params: Record<string, unknown>;
  /** How much sample history before `now` this check reads. */
  window: number;
}

export interface CheckProblem {
  hostName: string;
  checkKey: string;
  message: string;
}

export function prepareChecks(
  hostChecks: HostCheck[],
  hosts: Map<number, Host>,
  types: Map<string, CheckType>,
  registry: CheckRegistry,
  sampleMaxAgeMs: number,
): { checks: PreparedCheck[]; problems: CheckProblem[] } {
  const checks: PreparedCheck[] = [];
  const problems: CheckProblem[] = [];
  const cache = new Map<string, { params: Record<string, unknown>; window: number } | { error: string }>();

  for (const hostCheck of hostChecks) {
    const host = hosts.get(hostCheck.hostId);
    const type = types.get(hostCheck.checkKey);
    if (!host || !type) continue; // removed between statements; next run is consistent again
    const problem = (message: string): void => void problems.push({ hostName: host.hostName, checkKey: type.checkKey, message });
    if (!registry.has(type.functionName)) {
      problem(`unknown check function '${type.functionName}' (known: ${registry.list().map((fn) => fn.name).join(', ')}); list its module under plugins:`);
      continue;
    }
    const fn = registry.get(type.functionName);
    const raw = effectiveRawParams(type, hostCheck.params);
    const cacheKey = `${fn.name}\u0000${canonicalJson(raw)}`;
    let prepared = cache.get(cacheKey);
    if (!prepared) {
      const { params, problems: paramProblems } = normaliseParams(fn, raw);
      prepared =
        paramProblems.length > 0
          ? { error: paramProblems.map((p) => `${p.key}: ${p.message}`).join('; ') }
          : { params, window: fn.window(params, sampleMaxAgeMs) };
      cache.set(cacheKey, prepared);
    }
    if ('error' in prepared) {
      problem(`bad params: ${prepared.error}`);
      continue;
    }
    checks.push({ host, type, fn, params: prepared.params, window: prepared.window });
  }
  return { checks, problems };
}
