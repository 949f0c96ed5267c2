// The window summaries `monitor check` reads instead of samples (checks/metric-window.ts): for each
// declared (metric, for, window) and each host, one row computed by the database over its samples.
//
// MySQL answers with one statement over one range of the covering (collected_at, host_id, metrics…)
// index from `scanFrom` to `now`, grouped by host (windowsByAggregates). Plain MIN/MAX per host give
// every number but two: the values of the newest row and of the row in effect at each `for` window's
// start, which come from joining those rows back by (collected_at, host_id) through the same index.
// Plain aggregates cannot see a silence between two rows inside a window, but one longer than
// sample_max_age fits only in a window longer than that, or between the start row and the first row
// inside, which they do see; so reads whose `for` exceeds sample_max_age take the ordered statement
// instead (windowsBySql: each host's rows numbered with LAG/LEAD, which sorts every row of the scan and
// measured 2x the cost). Both see every row carrying any metric, which is the metric's own sequence
// only when every row of the read's window carries it; a host with a row lacking it comes back
// 'inexact', and the caller reads that host's samples instead.
//
// The aggregate statement (and SQLite's fold) also scans reports without metrics (a dataset's) and
// gives each host's newest report of any kind: `monitor check` needs no other read of it for the
// hosts that reported in the scan (MetricWindowAnswer.newestReports).

import type { MetricColumn } from '../../checks/types.js';
import { newestOnly, WindowBuilder, type MetricWindow } from '../../checks/metric-window.js';
import { msFromSqlTime } from '../../time/sql-time.js';
import type { SqlDriver, SqlValue } from './driver.js';
import { hasMetrics } from './samples.js';
import { sqlTime } from './rows.js';

/** One summary read: a metric over now - windowMs < collected_at <= now, with a `for` of forMs. */
export interface MetricWindowSpec {
  metric: MetricColumn;
  forMs: number;
  windowMs: number;
}

/** Per host (one with rows in the scan), by spec index: its summary, or 'inexact' (see above). */
export type MetricWindowRows = Map<number, (MetricWindow | 'inexact' | null)[]>;

const COLUMN: Record<MetricColumn, string> = { cpuPct: 'cpu_pct', memPct: 'mem_pct', diskPct: 'disk_pct', load1: 'load_1' };

export interface MetricWindowQuery {
  specs: readonly MetricWindowSpec[];
  now: Date;
  scanFrom: Date;
  maxAgeMs: number;
  hostId?: number;
}

/**
 * The window summaries, computed where it costs least: on MySQL by the server (windowsBySql: one
 * row per host crosses the wire instead of every sample); on SQLite, which runs in this process and
 * sends nothing anywhere, from one pass over the covering index in its own order (windowsByRows),
 * which measured 2-3x cheaper here than SQLite's window functions and sort. Both give the summaries
 * summariseSamples() gives (test/commands/check-metric-windows.test.ts runs both on both databases).
 */
export async function loadMetricWindows(db: SqlDriver, query: MetricWindowQuery): Promise<MetricWindowAnswer> {
  if (query.specs.length === 0) return { rows: new Map(), newestReports: null };
  if (db.dialect !== 'sqlite') return windowsOnServer(db, query);
  const newestReports = new Map<number, number>();
  return { rows: await windowsByRows(db, query, newestReports), newestReports };
}

/** loadMetricWindows' answer. */
export interface MetricWindowAnswer {
  rows: MetricWindowRows;
  /**
   * Each host with a report of any kind in the scan (metrics or not), and the newest one's time
   * (epoch ms): what latestSampleTimes would say of them, read by the same scan. Null when the way
   * the windows were computed does not give it (MySQL's ordered statement alone, or no spec).
   */
  newestReports: Map<number, number> | null;
}

/**
 * MySQL: the reads plain aggregates answer exactly by windowsByAggregates (which also gives the
 * newest reports), the others by windowsBySql, at once.
 */
export async function windowsOnServer(db: SqlDriver, query: MetricWindowQuery): Promise<MetricWindowAnswer> {
  const plain = query.specs.flatMap((spec, i) => (aggregatesSuffice(spec, query.maxAgeMs) ? [i] : []));
  if (plain.length === 0) return { rows: await windowsBySql(db, query), newestReports: null };
  const newestReports = new Map<number, number>();
  if (plain.length === query.specs.length) return { rows: await windowsByAggregates(db, query, newestReports), newestReports };
  const ordered = query.specs.flatMap((_, i) => (plain.includes(i) ? [] : [i]));
  const parts = [plain, ordered];
  const answers = await Promise.all([
    windowsByAggregates(db, { ...query, specs: plain.map((i) => query.specs[i]!) }, newestReports),
    windowsBySql(db, { ...query, specs: ordered.map((i) => query.specs[i]!) }),
  ]);
  const rows: MetricWindowRows = new Map();
  answers.forEach((answer, p) => {
    for (const [hostId, windows] of answer) {
      let all = rows.get(hostId);
      if (all === undefined) rows.set(hostId, (all = new Array<MetricWindow | 'inexact' | null>(query.specs.length).fill(null)));
      parts[p]!.forEach((i, k) => (all[i] = windows[k]!));
    }
  });
  return { rows, newestReports };
}

/**
 * Whether no silence longer than sample_max_age can lie between two rows inside the `for` window
 * (both after its start, so less than `for` apart): the only one to look for is then the one between
 * the start row and the first row inside, which the aggregates give.
 */
export function aggregatesSuffice(spec: MetricWindowSpec, maxAgeMs: number): boolean {
  return spec.forMs <= maxAgeMs;
}

/** Every sample of the scan, in the covering index's order, folded per host and spec (never 'inexact'). */
export async function windowsByRows(
  db: SqlDriver,
  query: MetricWindowQuery,
  newestReports: Map<number, number> = new Map(),
): Promise<MetricWindowRows> {
  const { specs, now, maxAgeMs } = query;
  const byHost: MetricWindowRows = new Map();
  if (specs.length === 0) return byHost;
  const at = now.getTime();
  const hostFilter = query.hostId === undefined ? '' : ' AND host_id = ?';
  const rows = await db.arrays(
    `SELECT host_id, collected_at, cpu_pct, mem_pct, disk_pct, load_1 FROM incoming_data
      WHERE collected_at > ? AND collected_at <= ?${hostFilter}
      ORDER BY collected_at, host_id, cpu_pct, mem_pct, disk_pct, load_1`,
    [sqlTime(query.scanFrom), sqlTime(now), ...(query.hostId === undefined ? [] : [query.hostId])],
  );
  const column = specs.map((spec) => 2 + METRIC_INDEX[spec.metric]);
  const from = specs.map((spec) => sqlTime(new Date(at - spec.windowMs)));
  const builders = new Map<number, (WindowBuilder | null)[]>();
  // Every report counts here, with metrics or not (a dataset's); in time order, so the last is the newest.
  const newest = new Map<number, string>();
  for (const row of rows) {
    const hostId = row[0] as number;
    const time = row[1] as string;
    newest.set(hostId, time);
    let mine = builders.get(hostId);
    if (mine === undefined) builders.set(hostId, (mine = new Array<WindowBuilder | null>(specs.length).fill(null)));
    let ms = -1;
    for (let s = 0; s < specs.length; s++) {
      const value = row[column[s]!] as number | null;
      if (value === null || time <= from[s]!) continue;
      if (ms === -1) ms = msFromSqlTime(time);
      (mine[s] ??= new WindowBuilder(at, specs[s]!.forMs, maxAgeMs)).add(ms, value);
    }
  }
  for (const [hostId, mine] of builders) byHost.set(hostId, mine.map((builder) => builder?.summary ?? null));
  for (const [hostId, time] of newest) newestReports.set(hostId, msFromSqlTime(time));
  return byHost;
}

const METRIC_INDEX: Record<MetricColumn, number> = { cpuPct: 0, memPct: 1, diskPct: 2, load1: 3 };

/** The statement described at the top of this file. */
export async function windowsBySql(db: SqlDriver, query: MetricWindowQuery): Promise<MetricWindowRows> {
  const { specs, now, maxAgeMs } = query;
  const byHost: MetricWindowRows = new Map();
  if (specs.length === 0) return byHost;
  const at = now.getTime();
  const columns: string[] = [];
  const params: SqlValue[] = [];
  const gap = db.syntax.longerThan('pv', 'collected_at');
  for (const spec of specs) {
    const m = COLUMN[spec.metric];
    const from = sqlTime(new Date(at - spec.windowMs));
    columns.push(
      `MAX(CASE WHEN collected_at > ? AND ${m} IS NULL THEN 1 END)`,
      `MAX(CASE WHEN collected_at > ? THEN collected_at END)`,
      `MAX(CASE WHEN collected_at > ? AND nx IS NULL THEN ${m} END)`,
    );
    params.push(from, from, from);
    if (spec.forMs > 0) {
      const start = sqlTime(new Date(at - spec.forMs));
      // The start row: the last at or before the start, the row after it (if any) past the start.
      const isStart = `collected_at > ? AND collected_at <= ? AND (nx IS NULL OR nx > ?)`;
      columns.push(
        `MAX(CASE WHEN ${isStart} THEN collected_at END)`,
        `MAX(CASE WHEN ${isStart} THEN ${m} END)`,
        `MIN(CASE WHEN collected_at > ? THEN collected_at END)`,
        `MIN(CASE WHEN collected_at > ? THEN ${m} END)`,
        `MAX(CASE WHEN collected_at > ? THEN ${m} END)`,
        // The first long silence: of the rows ending one, the earliest also has the earliest row before it.
        `MIN(CASE WHEN collected_at > ? AND ${gap} THEN pv END)`,
        `MIN(CASE WHEN collected_at > ? AND ${gap} THEN collected_at END)`,
      );
      params.push(from, start, start, from, start, start, start, start, start, start, maxAgeMs, start, maxAgeMs);
    }
  }
  const hostFilter = query.hostId === undefined ? '' : ' AND host_id = ?';
  const sql =
    `SELECT host_id, ${columns.join(', ')} FROM (` +
    `SELECT host_id, collected_at, cpu_pct, mem_pct, disk_pct, load_1, LAG(collected_at) OVER w AS pv, LEAD(collected_at) OVER w AS nx ` +
    `FROM incoming_data WHERE collected_at > ? AND collected_at <= ? AND ${hasMetrics()}${hostFilter} ` +
    `WINDOW w AS (PARTITION BY host_id ORDER BY collected_at, cpu_pct, mem_pct, disk_pct, load_1)) r GROUP BY host_id`;
  params.push(sqlTime(query.scanFrom), sqlTime(now));
  if (query.hostId !== undefined) params.push(query.hostId);

  for (const row of await db.arrays(sql, params)) {
    const windows: (MetricWindow | 'inexact' | null)[] = new Array<MetricWindow | 'inexact' | null>(specs.length);
    let i = 1;
    for (let s = 0; s < specs.length; s++) {
      const inexact = row[i] != null;
      const newestAt = row[i + 1] as string | null;
      const newestValue = row[i + 2] as number | null;
      i += 3;
      let window: MetricWindow | 'inexact' | null = inexact ? 'inexact' : null;
      if (!inexact && newestAt !== null && newestValue !== null) {
        window = newestOnly(msFromSqlTime(newestAt), newestValue);
      }
      if (specs[s]!.forMs > 0) {
        if (window !== null && window !== 'inexact') {
          const startAt = row[i] as string | null;
          window.startAt = startAt === null ? null : msFromSqlTime(startAt);
          window.startValue = row[i + 1] as number | null;
          const first = row[i + 2] as string | null;
          window.firstInsideAt = first === null ? null : msFromSqlTime(first);
          window.insideMin = row[i + 3] as number | null;
          window.insideMax = row[i + 4] as number | null;
          // A gap counts after the start row only (before it, the row before lies outside the window).
          const gapFrom = row[i + 5] as string | null;
          const gapTo = row[i + 6] as string | null;
          if (startAt !== null && gapFrom !== null && gapTo !== null) {
            window.gapFrom = msFromSqlTime(gapFrom);
            window.gapTo = msFromSqlTime(gapTo);
          }
        }
        i += 7;
      }
      windows[s] = window;
    }
    byHost.set(Number(row[0]), windows);
  }
  return byHost;
}

/** A joined row's metric columns, in the covering index's order: what orders rows sharing a time. */
const metricsOf = (alias: string): string => `${alias}.cpu_pct, ${alias}.mem_pct, ${alias}.disk_pct, ${alias}.load_1`;

/**
 * The statement described at the top of this file, for reads whose `for` is at most sample_max_age
 * (aggregatesSuffice). The rows sharing the newest (or a start) time are all joined; the last of them
 * in the covering index's order (by cpu, mem, disk, load, nulls first) is the one in effect, as
 * everywhere else (see lastOfTie).
 */
export async function windowsByAggregates(
  db: SqlDriver,
  query: MetricWindowQuery,
  newestReports: Map<number, number> = new Map(),
): Promise<MetricWindowRows> {
  const { specs, now, maxAgeMs } = query;
  const byHost: MetricWindowRows = new Map();
  if (specs.length === 0) return byHost;
  const at = now.getTime();
  // One start row per distinct (for, window): specs of several metrics share it.
  const startKeys: string[] = [];
  const startOf = specs.map((spec) => {
    if (spec.forMs === 0) return -1;
    const key = `${spec.forMs}/${spec.windowMs}`;
    const found = startKeys.indexOf(key);
    return found >= 0 ? found : startKeys.push(key) - 1;
  });
  const columns: string[] = [];
  const params: SqlValue[] = [];
  const column = (sql: string, ...values: SqlValue[]): void => {
    columns.push(`${sql} AS c${columns.length}`);
    params.push(...values);
  };
  for (const spec of specs) {
    const m = COLUMN[spec.metric];
    // Rows of reports without metrics (a dataset's) are scanned too (for newestReports): they count nowhere else.
    column(`MAX(CASE WHEN collected_at > ? AND ${m} IS NULL AND ${hasMetrics()} THEN 1 END)`, sqlTime(new Date(at - spec.windowMs)));
    if (spec.forMs > 0) {
      const start = sqlTime(new Date(at - spec.forMs));
      // Where it is not 'inexact', every row inside with metrics carries this one.
      column(`MIN(CASE WHEN collected_at > ? AND ${m} IS NOT NULL THEN collected_at END)`, start);
      column(`MIN(CASE WHEN collected_at > ? THEN ${m} END)`, start);
      column(`MAX(CASE WHEN collected_at > ? THEN ${m} END)`, start);
    }
  }
  const startColumn = startKeys.map((key) => {
    const [forMs, windowMs] = key.split('/').map(Number) as [number, number];
    column(
      `MAX(CASE WHEN collected_at > ? AND collected_at <= ? AND ${hasMetrics()} THEN collected_at END)`,
      sqlTime(new Date(at - windowMs)),
      sqlTime(new Date(at - forMs)),
    );
    return columns.length - 1;
  });
  const hostFilter = query.hostId === undefined ? '' : ' AND host_id = ?';
  params.push(sqlTime(query.scanFrom), sqlTime(now));
  if (query.hostId !== undefined) params.push(query.hostId);
  // ORDER BY NULL: MariaDB sorts a GROUP BY's groups unless told not to (a filesort of every host).
  // Through the covering index: the joined rows are the newest of the table, hot in the index the scan
  // just read; MariaDB otherwise picks the primary key, whose pages for them may be on disk (measured 7x slower).
  const join = (alias: string, time: string): string =>
    `JOIN ${db.syntax.throughIndex('incoming_data', alias, 'idx_incoming_collected')} ON ${alias}.collected_at = g.${time} AND ${alias}.host_id = g.host_id AND ${hasMetrics(alias)}`;
  const sql =
    `SELECT g.*, ${['n', ...startKeys.map((_, j) => `s${j}`)].map(metricsOf).join(', ')} FROM (` +
    `SELECT host_id, MAX(collected_at) AS last_report, MAX(CASE WHEN ${hasMetrics()} THEN collected_at END) AS newest_at, ` +
    `${columns.join(', ')} FROM incoming_data WHERE collected_at > ? AND collected_at <= ?${hostFilter} GROUP BY host_id ORDER BY NULL) g ` +
    [join('n', 'newest_at'), ...startColumn.map((c, j) => join(`s${j}`, `c${c}`))].map((sql) => `LEFT ${sql}`).join(' ');

  // Per host: its aggregates (the first row), and the rows whose metric columns say the newest
  // row's values and each start row's — the last of a tie when several rows share the time.
  const width = 3 + columns.length;
  const found = new Map<number, { row: unknown[]; newest: unknown[]; starts: unknown[][] | null }>();
  for (const row of await db.arrays(sql, params)) {
    const hostId = Number(row[0]);
    const seen = found.get(hostId);
    if (seen === undefined) {
      found.set(hostId, { row, newest: row, starts: null });
      continue;
    }
    // Rows sharing a time: rare, so only then is each start row tracked apart from the first row.
    seen.starts ??= startKeys.map(() => seen.row);
    if (lastOfTie(seen.newest, row, width) === row) seen.newest = row;
    for (let j = 0; j < startKeys.length; j++) {
      if (lastOfTie(seen.starts[j]!, row, width + 4 + 4 * j) === row) seen.starts[j] = row;
    }
  }

  for (const [hostId, { row, newest, starts }] of found) {
    newestReports.set(hostId, msFromSqlTime(row[1] as string));
    // Null when the host's rows in the scan are all without metrics: then every window is null.
    const newestAt = row[2] === null ? -Infinity : msFromSqlTime(row[2] as string);
    const windows = new Array<MetricWindow | 'inexact' | null>(specs.length);
    let c = 3;
    for (let s = 0; s < specs.length; s++) {
      const spec = specs[s]!;
      const metric = METRIC_INDEX[spec.metric];
      const inexact = row[c] != null;
      c += 1;
      const newestValue = newest[width + metric] as number | null;
      let window: MetricWindow | 'inexact' | null = null;
      if (inexact || (newestAt > at - spec.windowMs && newestValue === null)) window = 'inexact';
      else if (newestAt > at - spec.windowMs) window = newestOnly(newestAt, newestValue!);
      if (spec.forMs > 0) {
        if (window !== null && window !== 'inexact') {
          const j = startOf[s]!;
          const startAt = row[3 + startColumn[j]!] as string | null;
          window.startAt = startAt === null ? null : msFromSqlTime(startAt);
          window.startValue = startAt === null ? null : ((starts?.[j] ?? row)[width + 4 + 4 * j + metric] as number | null);
          const first = row[c] as string | null;
          window.firstInsideAt = first === null ? null : msFromSqlTime(first);
          window.insideMin = row[c + 1] as number | null;
          window.insideMax = row[c + 2] as number | null;
          // Rows inside are less than `for` <= sample_max_age apart: a long silence can only follow the start row.
          if (window.startAt !== null && window.firstInsideAt !== null && window.firstInsideAt - window.startAt > maxAgeMs) {
            window.gapFrom = window.startAt;
            window.gapTo = window.firstInsideAt;
          }
        }
        c += 3;
      }
      windows[s] = window;
    }
    byHost.set(hostId, windows);
  }
  return byHost;
}

/**
 * Of two joined rows sharing a time, the one whose metric columns (cpu, mem, disk, load, from
 * `from`) say the row in effect: the last in the covering index's order, ascending, nulls first.
 */
function lastOfTie(a: unknown[], b: unknown[], from: number): unknown[] {
  for (let i = from; i < from + 4; i++) {
    const x = a[i] as number | null;
    const y = b[i] as number | null;
    if (x === y) continue;
    if (x === null) return b;
    if (y === null) return a;
    return x < y ? b : a;
  }
  return a;
}
