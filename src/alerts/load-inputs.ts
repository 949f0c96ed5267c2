// Everything one `monitor check` run evaluates, read with a fixed number of set-based statements —
// never one per host — so a run costs the same number of round trips at 100 or 10,000 hosts.

import type { CheckRegistry } from '../checks/registry.js';
import type { Store } from '../store/store.js';
import type { MetricWindow } from '../checks/metric-window.js';
import type { MetricColumn, SampleReads } from '../checks/types.js';
import type { MetricWindowRows, MetricWindowSpec } from '../store/sql/metric-windows.js';
import type { Alert, CheckState, CheckType, DatasetReport, Host, MetricSample } from '../store/types.js';
import { prepareChecks, prepareCheckType, type CheckProblem, type PreparedCheck } from './prepare-checks.js';

export interface CheckRunInputs {
  checks: PreparedCheck[];
  problems: CheckProblem[];
  /** Per host, oldest first: every sample any of its checks reading samples reads (see samplesRead). */
  samples: Map<number, MetricSample[]>;
  /**
   * For checks declaring a summary read, by their `reads` object (shared by every check prepared
   * alike): the index of their read in `windowRows`. A check whose object is missing here gets its
   * host's samples from `summarySamples` instead.
   */
  windowSpecs: Map<SampleReads, number>;
  /**
   * Per host, by that index: the window the database summarised, null when no sample in it carries
   * the metric, or 'inexact' when the host's samples are in `summarySamples` instead.
   */
  windowRows: MetricWindowRows;
  /** The samples of the hosts the database could not summarise exactly, per host, oldest first. */
  summarySamples: Map<number, MetricSample[]>;
  lastReports: Map<number, Date>;
  datasets: Map<number, DatasetReport[]>;
  /** By host id, then check id. */
  openAlerts: ByHostAndCheck<Alert>;
  states: ByHostAndCheck<CheckState>;
}

/** Nested by number, not keyed by a string made per lookup: 40,000 lookups a run build no keys. */
export type ByHostAndCheck<T> = Map<number, Map<number, T>>;

export async function loadCheckInputs(
  store: Store,
  registry: CheckRegistry,
  options: { now: Date; host: Host | null; sampleMaxAgeMs: number },
): Promise<CheckRunInputs> {
  const { now, host, sampleMaxAgeMs } = options;
  // Every statement starts as soon as what it needs is known, each on its own connection (MySQL):
  // the server works on them while this process reads the answers that came first. The check types
  // go first, on the connection already open: the window summaries wait for them, the rest does not.
  const typesRead = handled(store.listCheckTypes());
  const independent = handled(Promise.all([store.listOpenAlerts(), store.loadCheckStates()]));
  const checkedHosts = handled(store.listCheckedHosts(host ? { hostId: host.hostId } : {}));
  const types = await typesRead;
  const typeChecks = types.flatMap((type) => typeReads(type, registry, sampleMaxAgeMs));
  // The samples the check types' own params read; host overrides that read more are topped up below.
  const expected = readSpan(typeChecks.filter((check) => check.reads.kind !== 'summary').map(readOf));
  const recent = handled(loadRecent(store, expected, now, host));
  // The window summaries the check types' own params read, computed by the database, and from the
  // same scan the newest report of every host that reported in it.
  const specs = windowSpecs(typeChecks);
  const windowsRead = handled(loadWindows(store, specs, now, host, sampleMaxAgeMs));

  const { checks, problems } = prepareChecks(
    await checkedHosts,
    new Map(types.map((type) => [type.checkId, type])),
    registry,
    sampleMaxAgeMs,
  );
  // Datasets only for a run with a check that reads them (CheckFunction.readsDatasets).
  const datasetsRead = handled(
    checks.some((check) => check.fn.readsDatasets !== false) ? store.latestDatasetReports(now) : Promise.resolve([]),
  );
  const reports = handled(lastReportsOf(store, checks, now, host, windowsRead));
  const samples = handled(
    topUp(
      store,
      checks.filter((check) => check.reads.kind !== 'summary'),
      expected,
      now,
      recent,
      reports,
    ),
  );
  const [openAlerts, states] = await independent;
  const lastReports = await reports;
  const summarised = handled(summaries(store, checks, specs, now, await windowsRead, lastReports));
  const datasetRows = await datasetsRead;

  const datasets = new Map<number, DatasetReport[]>();
  for (const row of datasetRows) {
    const list = datasets.get(row.hostId);
    if (list) list.push(row);
    else datasets.set(row.hostId, [row]);
  }
  return {
    checks,
    problems,
    samples: await samples,
    ...(await summarised),
    lastReports,
    datasets,
    openAlerts: byHostAndCheck(openAlerts),
    states: byHostAndCheck(states),
  };
}

/** A promise awaited later: its failure must not count as unhandled in the meantime. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function byHostAndCheck<T extends { hostId: number; checkId: number }>(rows: readonly T[]): ByHostAndCheck<T> {
  const byHost: ByHostAndCheck<T> = new Map();
  for (const row of rows) {
    const byCheck = byHost.get(row.hostId);
    if (byCheck) byCheck.set(row.checkId, row);
    else byHost.set(row.hostId, new Map([[row.checkId, row]]));
  }
  return byHost;
}

// ---- samples ------------------------------------------------------------------------------------
//
// For the checks that read samples (a plugin's, metric_threshold with avg; the others read the
// window summaries below). A window is `for` + sample_max_age (15 min for cpu_usage by default),
// but a check that declares a metric read (CheckFunction.reads) reads every sample of its `for`
// only, plus the one in effect when it began — for a host reporting each minute, a minute or two
// earlier — and a check without `for` only the newest (see samplesRead).
// So the first statement reads from the longest full read (`for`, or a plugin's whole window) plus
// NEAR_LOOKBACK_MS, thinned before the full read to the newest sample per metric (for cpu_usage's
// window at 10,000 hosts, ~70k rows instead of ~150k). It is sent before the host checks arrive, sized by the check types'
// own params. A second statement, only when needed, reads the rest for the hosts still lacking
// something: a starting value further back (they report rarely, or have just gone quiet), or a
// longer full read than their type's (a host's own `for`). Hosts silent for the whole window need
// nothing.

/** Reports this close together are read by the first statement alone. */
const NEAR_LOOKBACK_MS = 2 * 60_000;

/** What a set of checks reads: the whole window, and the part of it read in full. */
interface ReadSpan {
  window: number;
  readsAll: number;
}

function readOf(check: { window: number; reads: SampleReads }): ReadSpan {
  return { window: check.window, readsAll: check.reads.kind !== 'window' ? check.reads.forMs : check.window };
}

function readSpan(reads: readonly ReadSpan[]): ReadSpan {
  let window = 0;
  let readsAll = 0;
  for (const read of reads) {
    window = Math.max(window, read.window);
    readsAll = Math.max(readsAll, read.readsAll);
  }
  return { window, readsAll };
}

/** What a check type reads with its default params; nothing when it cannot run (reported later). */
function typeReads(type: CheckType, registry: CheckRegistry, sampleMaxAgeMs: number): { window: number; reads: SampleReads }[] {
  const prepared = prepareCheckType(type, {}, registry, sampleMaxAgeMs);
  return 'error' in prepared ? [] : [prepared];
}

/** Where the first statement starts: `readsAll` plus the lookback, within the window. */
function nearStart(span: ReadSpan, at: number): number {
  return Math.max(at - span.window, at - span.readsAll - NEAR_LOOKBACK_MS);
}

function loadRecent(store: Store, span: ReadSpan, now: Date, host: Host | null): Promise<Map<number, MetricSample[]>> {
  if (span.window === 0) return Promise.resolve(new Map<number, MetricSample[]>());
  const at = now.getTime();
  const near = nearStart(span, at);
  return store.loadMetricSamples({
    from: new Date(near),
    to: now,
    ...(host ? { hostIds: [host.hostId] } : {}),
    ...(at - span.readsAll > near ? { thinBefore: new Date(at - span.readsAll) } : {}),
  });
}

/**
 * The first statement's samples, completed for the hosts whose checks need more: those that read
 * in full further back than it did are read again whole; those that only lack the value in effect
 * when their window began get the older part of the window, thinned.
 */
async function topUp(
  store: Store,
  checks: readonly PreparedCheck[],
  expected: ReadSpan,
  now: Date,
  recentSamples: Promise<Map<number, MetricSample[]>>,
  lastReports: Promise<Map<number, Date>>,
): Promise<Map<number, MetricSample[]>> {
  const recent = await recentSamples;
  const at = now.getTime();
  const near = expected.window === 0 ? at : nearStart(expected, at);
  const latest = await lastReports;
  const hostWindow = new Map<number, number>();
  const rereads = new Set<number>();
  const older = new Set<number>();
  let rereadsAll = expected.readsAll;
  for (const check of checks) {
    const read = readOf(check);
    if (read.window === 0) continue;
    const hostId = check.host.hostId;
    hostWindow.set(hostId, Math.max(hostWindow.get(hostId) ?? 0, read.window));
    // No report of any kind in this check's window: there is nothing to read for it.
    if ((latest.get(hostId)?.getTime() ?? -Infinity) <= at - read.window) continue;
    if (expected.window === 0 || read.readsAll > expected.readsAll) {
      rereads.add(hostId);
      rereadsAll = Math.max(rereadsAll, read.readsAll);
    } else if (
      check.reads.kind !== 'window' &&
      near > at - read.window &&
      !hasStartingValue(recent.get(hostId), check.reads.metric, at - check.reads.forMs)
    ) {
      older.add(hostId);
    }
  }
  if (rereads.size === 0 && older.size === 0) return recent;

  for (const hostId of rereads) older.delete(hostId);
  const hostIds = [...rereads, ...older];
  let window = 0;
  for (const hostId of hostIds) window = Math.max(window, hostWindow.get(hostId)!);
  // One statement for both: to `now`, replacing what the first read, when a host is read again
  // whole; else only the older part, in front of what the first read.
  const whole = rereads.size > 0;
  const more = await store.loadMetricSamples({
    from: new Date(at - window),
    to: whole ? now : new Date(near),
    hostIds,
    thinBefore: new Date(whole ? at - rereadsAll : near),
  });
  for (const hostId of hostIds) {
    const found = more.get(hostId) ?? [];
    const newer = whole ? undefined : recent.get(hostId);
    recent.set(hostId, newer ? found.concat(newer) : found);
  }
  return recent;
}

/** Whether a sample carrying `metric` at or before `start` is among these. */
function hasStartingValue(samples: MetricSample[] | undefined, metric: MetricColumn, start: number): boolean {
  if (samples === undefined) return false;
  for (const sample of samples) {
    if (sample.collectedAt.getTime() > start) return false;
    if (sample[metric] !== null) return true;
  }
  return false;
}

// ---- window summaries ---------------------------------------------------------------------------
//
// A check declaring a summary read (metric_threshold but for avg, or a plugin) gets one row per host
// from the database instead of samples: store.loadMetricWindows computes every declared read of the
// check types' own params in one statement, scanning from the longest `for` plus NEAR_LOOKBACK_MS,
// as the sample read above does (reads without `for` share that scan: one pass over the index).
// Where that scan cannot answer exactly — a read a host's own params declare, a sample lacking the
// metric, no start value within the scan while the window reaches further back — the host's
// samples are read instead (one more statement, only then) and the check gets them:
// summariseSamples() decides on them the same way.

function specKey(spec: { metric: MetricColumn; forMs: number; windowMs: number }): string {
  return `${spec.metric}/${spec.forMs}/${spec.windowMs}`;
}

/** The distinct summary reads of these checks. */
function windowSpecs(checks: readonly { window: number; reads: SampleReads }[]): MetricWindowSpec[] {
  const specs = new Map<string, MetricWindowSpec>();
  for (const { window, reads } of checks) {
    if (reads.kind !== 'summary') continue;
    const spec = { metric: reads.metric, forMs: reads.forMs, windowMs: window };
    specs.set(specKey(spec), spec);
  }
  return [...specs.values()];
}

/** Where a summary scan starts: each read's `for` plus the lookback, within its window. */
function windowScanFrom(specs: readonly MetricWindowSpec[], at: number): number {
  let from = at;
  for (const spec of specs) from = Math.min(from, Math.max(at - spec.windowMs, at - spec.forMs - NEAR_LOOKBACK_MS));
  return from;
}

/**
 * The summaries of every spec, per host by spec index, in one statement (the store picks how to
 * compute them), where its scan started, and the newest report of each host that reported in it.
 */
async function loadWindows(
  store: Store,
  specs: readonly MetricWindowSpec[],
  now: Date,
  host: Host | null,
  maxAgeMs: number,
): Promise<{ rows: MetricWindowRows; scanFrom: number; newestReports: Map<number, number> | null }> {
  const at = now.getTime();
  if (specs.length === 0) return { rows: new Map(), scanFrom: at, newestReports: null };
  const scanFrom = windowScanFrom(specs, at);
  const { rows, newestReports } = await store.loadMetricWindows({
    specs,
    now,
    scanFrom: new Date(scanFrom),
    maxAgeMs,
    ...(host ? { hostId: host.hostId } : {}),
  });
  return { rows, scanFrom, newestReports };
}

/**
 * Each checked host's newest report of any kind at or before `now`: from the window scan for the
 * hosts that reported in it (in a live fleet, nearly all), and by one more statement for the rest
 * (silent for longer, or never reported), only when there are any. Without a window scan, one
 * statement for every host, as before.
 */
async function lastReportsOf(
  store: Store,
  checks: readonly PreparedCheck[],
  now: Date,
  host: Host | null,
  windowsRead: Promise<{ newestReports: Map<number, number> | null }>,
): Promise<Map<number, Date>> {
  const { newestReports } = await windowsRead;
  if (newestReports === null) return store.latestSampleTimes(now, host ? [host.hostId] : undefined);
  const lastReports = new Map<number, Date>();
  for (const [hostId, ms] of newestReports) lastReports.set(hostId, new Date(ms));
  const unseen = new Set<number>();
  for (const check of checks) if (!newestReports.has(check.host.hostId)) unseen.add(check.host.hostId);
  if (unseen.size > 0) for (const [hostId, at] of await store.latestSampleTimes(now, [...unseen])) lastReports.set(hostId, at);
  return lastReports;
}

async function summaries(
  store: Store,
  checks: readonly PreparedCheck[],
  specs: readonly MetricWindowSpec[],
  now: Date,
  { rows, scanFrom }: { rows: MetricWindowRows; scanFrom: number },
  lastReports: Map<number, Date>,
): Promise<Pick<CheckRunInputs, 'windowSpecs' | 'windowRows' | 'summarySamples'>> {
  const at = now.getTime();
  const windowSpecs = new Map<SampleReads, number>();
  const specIndex = new Map(specs.map((spec, i) => [specKey(spec), i]));
  const missing = new Map<number, number>(); // host id -> the longest window it must read
  // The database's rows are marked where they stand (no copy per read): a host it did not see gets
  // a row of nulls, a window that cannot be used is marked 'inexact' (its host's samples are read).
  const rowOf = (hostId: number): (MetricWindow | 'inexact' | null)[] => {
    let row = rows.get(hostId);
    if (row === undefined) rows.set(hostId, (row = new Array<MetricWindow | 'inexact' | null>(specs.length).fill(null)));
    return row;
  };
  for (const check of checks) {
    const { reads } = check;
    if (reads.kind !== 'summary') continue;
    let index = windowSpecs.get(reads);
    if (index === undefined) {
      index = specIndex.get(specKey({ metric: reads.metric, forMs: reads.forMs, windowMs: check.window })) ?? -1;
      if (index >= 0) windowSpecs.set(reads, index);
    }
    const hostId = check.host.hostId;
    const from = at - check.window;
    let window: MetricWindow | 'inexact' | null | undefined = index < 0 ? 'inexact' : rows.get(hostId)?.[index];
    // The scan stopped short of this window's start: a missing window or start value may lie before it.
    const covered = (index >= 0 && scanFrom <= from) || (lastReports.get(hostId)?.getTime() ?? -Infinity) <= from;
    if (window === undefined) window = null;
    if (window !== 'inexact' && (covered || (window !== null && (reads.forMs === 0 || window.startAt !== null)))) {
      if (index >= 0 && window === null) rowOf(hostId);
      continue;
    }
    if (index >= 0) rowOf(hostId)[index] = 'inexact';
    missing.set(hostId, Math.max(missing.get(hostId) ?? 0, check.window));
  }
  if (missing.size === 0) return { windowSpecs, windowRows: rows, summarySamples: new Map() };
  let longest = 0;
  for (const window of missing.values()) longest = Math.max(longest, window);
  const summarySamples = await store.loadMetricSamples({ from: new Date(at - longest), to: now, hostIds: [...missing.keys()] });
  return { windowSpecs, windowRows: rows, summarySamples };
}
