// The window summaries `monitor check` reads instead of samples (checks/metric-window.ts): for each
// declared (metric, for, window) and each host, one row computed by the database over its samples.
//
// One statement for every declared read: one range of the covering (collected_at, host_id, metrics…)
// index from `scanFrom` to `now`, each host's rows numbered in the order the raw read gives them
// (collected_at, then cpu, mem, disk, load: the index order) with LAG/LEAD, then one GROUP BY host_id
// that computes each read's columns with CASE filters. LAG/LEAD see every row carrying any metric,
// which is the metric's own sequence only when every row of the read's window carries it; a host
// with a row lacking it comes back 'inexact', and the caller reads that host's samples instead.

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
export function loadMetricWindows(db: SqlDriver, query: MetricWindowQuery): Promise<MetricWindowRows> {
  return db.dialect === 'sqlite' ? windowsByRows(db, query) : windowsBySql(db, query);
}

/** Every sample of the scan, in the covering index's order, folded per host and spec (never 'inexact'). */
export async function windowsByRows(db: SqlDriver, query: MetricWindowQuery): Promise<MetricWindowRows> {
  const { specs, now, maxAgeMs } = query;
  const byHost: MetricWindowRows = new Map();
  if (specs.length === 0) return byHost;
  const at = now.getTime();
  const hostFilter = query.hostId === undefined ? '' : ' AND host_id = ?';
  const rows = await db.arrays(
    `SELECT host_id, collected_at, cpu_pct, mem_pct, disk_pct, load_1 FROM incoming_data
      WHERE collected_at > ? AND collected_at <= ? AND ${hasMetrics()}${hostFilter}
      ORDER BY collected_at, host_id, cpu_pct, mem_pct, disk_pct, load_1`,
    [sqlTime(query.scanFrom), sqlTime(now), ...(query.hostId === undefined ? [] : [query.hostId])],
  );
  const column = specs.map((spec) => 2 + METRIC_INDEX[spec.metric]);
  const from = specs.map((spec) => sqlTime(new Date(at - spec.windowMs)));
  const builders = new Map<number, (WindowBuilder | null)[]>();
  for (const row of rows) {
    const hostId = row[0] as number;
    const time = row[1] as string;
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
