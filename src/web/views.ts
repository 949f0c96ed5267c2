// What the dashboard and the read API show, read from the store with a fixed number of statements.
// The fleet at 10,000 hosts: host rows and open alerts for all (cheap: no sample lookups), samples
// only for the page of hosts shown. The JSON shapes use the public column names (snake_case).

import { hostSilent } from '../checks/host-silent.js';
import { normaliseParams } from '../checks/params.js';
import { effectiveRawParams } from '../host-checks/desired.js';
import { toAlertJson, type AlertJson } from '../output/alert-view.js';
import type { Store } from '../store/store.js';
import type { Alert, AlertFilter, CheckType, Host, LatestMetrics, MetricBucket } from '../store/types.js';
import { effectiveStepMs, METRICS, toSeries, type MetricName, type Series } from './downsample.js';
import { HOST_STATES, hostState, stateRank, type HostState } from './host-state.js';

const HOUR = 3_600_000;
/** The fleet's sparklines and latest values look this far back. */
export const SPARK_WINDOW_MS = 6 * HOUR;
const SPARK_POINTS = 36;
/** The largest window one samples request may ask for. */
export const MAX_SERIES_SPAN_MS = 400 * 24 * HOUR;

export interface LatestJson {
  collected_at: Date;
  cpu_pct: number | null;
  mem_pct: number | null;
  disk_pct: number | null;
  load_1: number | null;
}

export interface FleetHostJson {
  host_name: string;
  description: string | null;
  state: HostState;
  last_seen: Date | null;
  latest: LatestJson | null;
  open_alerts: { alert_id: number; check_key: string; severity: string; message: string; acknowledged: boolean }[];
  /** Average per bucket over the last 6 hours, oldest first (null: no sample in that bucket). */
  spark: Record<'cpu_pct' | 'mem_pct' | 'disk_pct', (number | null)[]>;
}

export interface FleetJson {
  generated_at: Date;
  counts: Record<HostState, number>;
  /** Hosts matching the filters (before paging). */
  total: number;
  offset: number;
  limit: number;
  hosts: FleetHostJson[];
}

export interface FleetQuery {
  /** Substring of the host name, case-insensitive. */
  q?: string;
  state?: HostState;
  limit: number;
  offset: number;
}

/** The host_silent type's params, as the check reads them (its per-host overrides are not looked up here). */
function silenceParams(types: CheckType[]): Record<string, unknown> {
  const type = types.find((t) => t.checkKey === 'host_silent');
  return type ? normaliseParams(hostSilent, type.params).params : {};
}

function groupOpen(open: Alert[]): Map<number, Alert[]> {
  const byHost = new Map<number, Alert[]>();
  for (const alert of open) {
    const list = byHost.get(alert.hostId);
    if (list) list.push(alert);
    else byHost.set(alert.hostId, [alert]);
  }
  return byHost;
}

function latestJson(latest: LatestMetrics | undefined): LatestJson | null {
  if (!latest) return null;
  return {
    collected_at: latest.collectedAt,
    cpu_pct: latest.cpuPct,
    mem_pct: latest.memPct,
    disk_pct: latest.diskPct,
    load_1: latest.load1,
  };
}

function openAlertJson(alert: Alert): FleetHostJson['open_alerts'][number] {
  return {
    alert_id: alert.alertId,
    check_key: alert.checkKey,
    severity: alert.severity,
    message: alert.message,
    acknowledged: alert.acknowledgedAt !== null,
  };
}

/** The fleet page and GET /api/v1/hosts: worst first, then by name; counts over all hosts. Five statements. */
export async function loadFleet(store: Store, query: FleetQuery, now: Date): Promise<FleetJson> {
  const [hosts, open, types] = await Promise.all([store.listHostRecords(), store.listOpenAlerts(), store.listCheckTypes()]);
  const silentParams = silenceParams(types);
  const openByHost = groupOpen(open);
  const counts = Object.fromEntries(HOST_STATES.map((state) => [state, 0])) as Record<HostState, number>;
  const needle = query.q?.trim().toLowerCase() ?? '';
  const rows: { host: Host; state: HostState; alerts: Alert[] }[] = [];
  for (const host of hosts) {
    const alerts = openByHost.get(host.hostId) ?? [];
    const state = hostState({ lastSeen: host.lastSeen, openAlerts: alerts, now, silentParams });
    counts[state]++;
    if (needle !== '' && !host.hostName.toLowerCase().includes(needle)) continue;
    if (query.state !== undefined && state !== query.state) continue;
    rows.push({ host, state, alerts });
  }
  // Names are unique, so this order is total: paging is stable between refreshes.
  rows.sort(
    (a, b) =>
      stateRank(a.state) - stateRank(b.state) || (a.host.hostName < b.host.hostName ? -1 : a.host.hostName > b.host.hostName ? 1 : 0),
  );
  const page = rows.slice(query.offset, query.offset + query.limit);
  const from = new Date(now.getTime() - SPARK_WINDOW_MS);
  const step = SPARK_WINDOW_MS / SPARK_POINTS;
  const pageIds = page.map((row) => row.host.hostId);
  const [latest, buckets] = await Promise.all([
    store.latestMetrics(pageIds),
    store.loadMetricBuckets({ from, to: now, stepSeconds: step / 1000, hostIds: pageIds }),
  ]);
  return {
    generated_at: now,
    counts,
    total: rows.length,
    offset: query.offset,
    limit: query.limit,
    hosts: page.map(({ host, state, alerts }) => ({
      host_name: host.hostName,
      description: host.description,
      state,
      last_seen: host.lastSeen,
      latest: latestJson(latest.get(host.hostId)),
      open_alerts: alerts.map(openAlertJson),
      spark: sparkOf(buckets.get(host.hostId) ?? []),
    })),
  };
}

function sparkOf(buckets: readonly MetricBucket[]): FleetHostJson['spark'] {
  const dense = (field: 'cpuPct' | 'memPct' | 'diskPct'): (number | null)[] => {
    const out = new Array<number | null>(SPARK_POINTS).fill(null);
    for (const bucket of buckets) {
      const value = bucket.avg[field];
      if (bucket.index >= 0 && bucket.index < SPARK_POINTS && value !== null) out[bucket.index] = Math.round(value * 10) / 10;
    }
    return out;
  };
  return { cpu_pct: dense('cpuPct'), mem_pct: dense('memPct'), disk_pct: dense('diskPct') };
}

export interface HostCheckJson {
  check_key: string;
  check_name: string;
  function_name: string;
  severity: string;
  enabled: boolean;
  /** The type's defaults with the host's overrides applied. */
  params: Record<string, unknown>;
  overrides: Record<string, unknown>;
}

export interface HostJson {
  host_name: string;
  description: string | null;
  created_at: Date;
  last_seen: Date | null;
  state: HostState;
  latest: LatestJson | null;
  /** Warn and crit per metric, from the host's enabled metric_threshold checks; with the check key drawing them. */
  thresholds: Partial<Record<MetricName, { check_key: string; warn: number | null; crit: number | null }>>;
  checks: HostCheckJson[];
  datasets: {
    dataset_name: string;
    collected_at: Date;
    partition_key: string | null;
    files_count: number | null;
    first_event_at: Date | null;
    last_event_at: Date | null;
  }[];
  open_alerts: AlertJson[];
  /** Newest first, up to 100, open and resolved. */
  alerts: AlertJson[];
}

const METRIC_PARAM: Record<string, MetricName> = { cpu: 'cpu_pct', mem: 'mem_pct', disk: 'disk_pct', load: 'load_1' };

/** The host page and GET /api/v1/hosts/NAME; null when there is no such host. */
export async function loadHost(store: Store, hostName: string, now: Date): Promise<HostJson | null> {
  const host = await store.findHostByName(hostName);
  if (!host) return null;
  const [types, checks, alerts, datasets, recent] = await Promise.all([
    store.listCheckTypes(),
    store.listHostChecks({ hostId: host.hostId }),
    store.listAlerts({ hostName: host.hostName, status: 'all', limit: 100 }),
    store.latestDatasetReports(now),
    store.latestMetrics([host.hostId]),
  ]);
  const typeByKey = new Map(types.map((type) => [type.checkKey, type]));
  const open = alerts.filter((alert) => alert.status === 'open');
  const thresholds: HostJson['thresholds'] = {};
  const checkJson: HostCheckJson[] = [];
  for (const check of checks) {
    const type = typeByKey.get(check.checkKey);
    if (!type) continue;
    const params = effectiveRawParams(type, check.params);
    checkJson.push({
      check_key: check.checkKey,
      check_name: type.checkName,
      function_name: type.functionName,
      severity: type.severity,
      enabled: check.enabled,
      params,
      overrides: check.params,
    });
    const metric = METRIC_PARAM[String(params.metric)];
    if (check.enabled && type.functionName === 'metric_threshold' && metric) {
      const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
      thresholds[metric] = { check_key: check.checkKey, warn: number(params.warn), crit: number(params.crit) };
    }
  }
  return {
    host_name: host.hostName,
    description: host.description,
    created_at: host.createdAt,
    last_seen: host.lastSeen,
    state: hostState({ lastSeen: host.lastSeen, openAlerts: open, now, silentParams: silenceParams(types) }),
    latest: latestJson(recent.get(host.hostId)),
    thresholds,
    checks: checkJson,
    datasets: datasets
      .filter((report) => report.hostId === host.hostId)
      .map((report) => ({
        dataset_name: report.datasetName,
        collected_at: report.collectedAt,
        partition_key: report.partitionKey,
        files_count: report.filesCount,
        first_event_at: report.firstEventAt,
        last_event_at: report.lastEventAt,
      })),
    open_alerts: open.map((alert) => toAlertJson(alert, now)),
    alerts: alerts.map((alert) => toAlertJson(alert, now)),
  };
}

export interface SeriesJson {
  host_name: string;
  from: Date;
  to: Date;
  step_seconds: number;
  points: number;
  t: number[];
  metrics: Series['metrics'];
}

/** GET /api/v1/hosts/NAME/samples: min/avg/max per bucket, never more than MAX_POINTS buckets. */
export async function loadSeries(store: Store, host: Host, range: { from: Date; to: Date; stepMs: number | null }): Promise<SeriesJson> {
  const stepMs = effectiveStepMs(range.from.getTime(), range.to.getTime(), range.stepMs);
  const buckets = await store.loadMetricBuckets({ from: range.from, to: range.to, stepSeconds: stepMs / 1000, hostIds: [host.hostId] });
  const series = toSeries(buckets.get(host.hostId) ?? [], range.from.getTime(), stepMs);
  return {
    host_name: host.hostName,
    from: range.from,
    to: range.to,
    step_seconds: stepMs / 1000,
    points: series.t.length,
    t: series.t,
    metrics: series.metrics,
  };
}

export async function loadAlerts(store: Store, filter: AlertFilter, now: Date): Promise<AlertJson[]> {
  const alerts = await store.listAlerts(filter);
  // Open first, then history; each newest first (the store's order).
  return [...alerts.filter((a) => a.status === 'open'), ...alerts.filter((a) => a.status !== 'open')].map((alert) =>
    toAlertJson(alert, now),
  );
}

export { METRICS };
