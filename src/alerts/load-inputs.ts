// Everything one `monitor check` run evaluates, read with a fixed number of set-based statements —
// never one per host — so a run costs the same number of round trips at 100 or 10,000 hosts.

import type { CheckRegistry } from '../checks/registry.js';
import type { Store } from '../store/store.js';
import type { Alert, CheckState, DatasetReport, Host, MetricSample } from '../store/types.js';
import { prepareChecks, type CheckProblem, type PreparedCheck } from './prepare-checks.js';

export interface CheckRunInputs {
  checks: PreparedCheck[];
  problems: CheckProblem[];
  samples: Map<number, MetricSample[]>;
  lastReports: Map<number, Date>;
  datasets: Map<number, DatasetReport[]>;
  /** By stateKey(hostId, checkId). */
  openAlerts: Map<string, Alert>;
  states: Map<string, CheckState>;
}

export function stateKey(hostId: number, checkId: number): string {
  return `${hostId}:${checkId}`;
}

export async function loadCheckInputs(
  store: Store,
  registry: CheckRegistry,
  options: { now: Date; host: Host | null; sampleMaxAgeMs: number },
): Promise<CheckRunInputs> {
  const { now, host } = options;
  const [hostChecks, types, hosts] = await Promise.all([
    store.listHostChecks({ enabledOnly: true, ...(host ? { hostId: host.hostId } : {}) }),
    store.listCheckTypes(),
    host ? Promise.resolve([host]) : store.listHostRecords(),
  ]);
  const { checks, problems } = prepareChecks(
    hostChecks,
    new Map(hosts.map((h) => [h.hostId, h])),
    new Map(types.map((type) => [type.checkKey, type])),
    registry,
    options.sampleMaxAgeMs,
  );

  const window = Math.max(0, ...checks.map((check) => check.window));
  const hostIds = host ? [host.hostId] : undefined;
  const [samples, lastReports, datasetRows, openAlerts, states] = await Promise.all([
    window > 0 ? store.loadMetricSamples({ from: new Date(now.getTime() - window), to: now, hostIds }) : Promise.resolve(new Map()),
    store.latestSampleTimes(now),
    store.latestDatasetReports(now),
    store.listOpenAlerts(),
    store.loadCheckStates(),
  ]);

  const datasets = new Map<number, DatasetReport[]>();
  for (const row of datasetRows) {
    const list = datasets.get(row.hostId);
    if (list) list.push(row);
    else datasets.set(row.hostId, [row]);
  }
  return {
    checks,
    problems,
    samples,
    lastReports,
    datasets,
    openAlerts: new Map(openAlerts.map((alert) => [stateKey(alert.hostId, alert.checkId), alert])),
    states: new Map(states.map((state) => [stateKey(state.hostId, state.checkId), state])),
  };
}
