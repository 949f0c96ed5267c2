// What the dashboard reads of incoming_data: per host, min/avg/max of each metric per time bucket
// (computed by the database, so a 30-day chart moves ~1,000 rows, not 43,200), and each host's newest
// metrics. Both for a given list of hosts (a page of the fleet, or one host), one statement each.

import type { LatestMetrics, MetricBucket } from '../types.js';
import type { SqlDriver } from './driver.js';
import { num, numOrNull, sqlTime, time } from './rows.js';
import { hasMetrics } from './samples.js';

const METRIC_COLUMNS = ['cpu_pct', 'mem_pct', 'disk_pct', 'load_1'] as const;

export async function loadMetricBuckets(
  db: SqlDriver,
  range: { from: Date; to: Date; stepSeconds: number; hostIds: readonly number[] },
): Promise<Map<number, MetricBucket[]>> {
  const byHost = new Map<number, MetricBucket[]>();
  if (range.hostIds.length === 0) return byHost;
  const step = Math.max(1, Math.round(range.stepSeconds));
  const inList = db.syntax.inIntegers('host_id', range.hostIds);
  const aggregates = METRIC_COLUMNS.map((c) => `MIN(${c}), AVG(${c}), MAX(${c})`).join(', ');
  const rows = await db.arrays(
    `SELECT host_id, ${db.syntax.bucketIndex('collected_at')} AS bucket, ${aggregates}
       FROM incoming_data
      WHERE ${inList.sql} AND collected_at > ? AND collected_at <= ? AND ${hasMetrics()}
      GROUP BY host_id, bucket
      ORDER BY host_id, bucket`,
    [sqlTime(range.from), step, ...inList.params, sqlTime(range.from), sqlTime(range.to)],
  );
  const value = (row: unknown[], metric: number, part: number): number | null => numOrNull(row[2 + metric * 3 + part]);
  const values = (row: unknown[], part: number) => ({
    cpuPct: value(row, 0, part),
    memPct: value(row, 1, part),
    diskPct: value(row, 2, part),
    load1: value(row, 3, part),
  });
  for (const row of rows) {
    const hostId = num(row[0]);
    let list = byHost.get(hostId);
    if (!list) byHost.set(hostId, (list = []));
    list.push({ index: num(row[1]), min: values(row, 0), avg: values(row, 1), max: values(row, 2) });
  }
  return byHost;
}

/**
 * Each listed host's newest sample that carries metrics: one backward index dive per host (the
 * `hosts list` query, narrowed to these hosts), then that row by key.
 */
export async function latestMetrics(db: SqlDriver, hostIds: readonly number[]): Promise<Map<number, LatestMetrics>> {
  const latest = new Map<number, LatestMetrics>();
  if (hostIds.length === 0) return latest;
  const inList = db.syntax.inIntegers('h.host_id', hostIds);
  const rows = await db.all(
    `SELECT d.host_id, d.collected_at, d.cpu_pct, d.mem_pct, d.disk_pct, d.load_1
       FROM (SELECT h.host_id,
                    (SELECT x.collected_at FROM incoming_data x
                      WHERE x.host_id = h.host_id AND ${hasMetrics('x')}
                      ORDER BY x.collected_at DESC LIMIT 1) AS latest_at
               FROM hosts h WHERE ${inList.sql}) l
       JOIN incoming_data d ON d.host_id = l.host_id AND d.collected_at = l.latest_at AND ${hasMetrics('d')}
      ORDER BY d.host_id, d.dataset_name`,
    inList.params,
  );
  for (const row of rows) {
    const hostId = num(row.host_id);
    if (latest.has(hostId)) continue; // a plain and a dataset report at the same instant: the plain one ('' sorts first)
    latest.set(hostId, {
      collectedAt: time(row.collected_at),
      cpuPct: numOrNull(row.cpu_pct),
      memPct: numOrNull(row.mem_pct),
      diskPct: numOrNull(row.disk_pct),
      load1: numOrNull(row.load_1),
    });
  }
  return latest;
}
