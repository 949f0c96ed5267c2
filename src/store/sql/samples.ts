// incoming_data: idempotent ingest and the reads `monitor check` makes once per run for all hosts.

import { fromSqlTime } from '../../time/sql-time.js';
import type { DatasetReport, MetricSample } from '../types.js';
import { deleteInBatches } from './batch-delete.js';
import type { SqlDriver } from './driver.js';
import { num, numOrNull, sqlTime, str, strOrNull, time, timeOrNull } from './rows.js';

/** A sample row that carries at least one metric (a pipeline-only report carries none). */
export function hasMetrics(alias = ''): string {
  const column = (name: string): string => (alias ? `${alias}.${name}` : name);
  return `(${column('cpu_pct')} IS NOT NULL OR ${column('mem_pct')} IS NOT NULL OR ${column('disk_pct')} IS NOT NULL OR ${column('load_1')} IS NOT NULL)`;
}

// Writes live in insert-samples.ts (shared with the MySQL one-round-trip writer); re-exported for sql-store.
export { insertSamples, touchHosts } from './insert-samples.js';

/**
 * Up to this many hosts are read by their key ranges; more come from one scan of the time window.
 * MariaDB turns an IN list of 1000+ values into a join that reads every sample of each host.
 */
const MAX_HOSTS_BY_KEY = 500;

/**
 * One statement. Few hosts: seeks into each host's key range. Many or all: one range of the
 * covering (collected_at, host_id, metrics…) index — the last minutes of every host sit together
 * there, while in the primary key they are spread over every host's pages. Rows arrive oldest first
 * per host (either order keeps that), and the map is built in one pass over the driver's arrays.
 *
 * With `thinBefore`, rows at or before it only replace their host's newest row per metric until the
 * host's first later row, and a MetricSample is made only for what is kept (`monitor check` keeps
 * ~60k of the ~70k rows it reads at 10,000 hosts, instead of the ~150k of a whole window). Times
 * compare as the stored fixed-width text.
 */
export async function loadMetricSamples(
  db: SqlDriver,
  range: { from: Date; to: Date; hostIds?: readonly number[]; thinBefore?: Date },
): Promise<Map<number, MetricSample[]>> {
  const byHost = new Map<number, MetricSample[]>();
  const hostIds = range.hostIds;
  if (hostIds !== undefined && hostIds.length === 0) return byHost;
  const select = 'SELECT host_id, collected_at, cpu_pct, mem_pct, disk_pct, load_1 FROM incoming_data';
  const window = `collected_at > ? AND collected_at <= ? AND ${hasMetrics()}`;
  const times = [sqlTime(range.from), sqlTime(range.to)];
  let rows: unknown[][];
  let wanted: Set<number> | null = null;
  if (hostIds !== undefined && hostIds.length <= MAX_HOSTS_BY_KEY) {
    const inList = db.syntax.inIntegers('host_id', hostIds);
    rows = await db.arrays(`${select} WHERE ${inList.sql} AND ${window} ORDER BY host_id, collected_at`, [...inList.params, ...times]);
  } else {
    if (hostIds !== undefined) wanted = new Set(hostIds);
    rows = await db.arrays(`${select} WHERE ${window} ORDER BY collected_at, host_id`, times);
  }

  const thin = range.thinBefore !== undefined && range.thinBefore > range.from ? sqlTime(range.thinBefore) : null;
  // Per host, while its rows are still at or before `thin`: its newest row carrying each metric.
  const held = new Map<number, (unknown[] | null)[]>();

  const toSample = (row: unknown[]): MetricSample => ({
    collectedAt: fromSqlTime(row[1] as string),
    cpuPct: row[2] as number | null,
    memPct: row[3] as number | null,
    diskPct: row[4] as number | null,
    load1: row[5] as number | null,
  });

  let currentId = -1;
  let current: MetricSample[] | null = null;
  for (const row of rows) {
    const hostId = row[0] as number;
    if (wanted !== null && !wanted.has(hostId)) continue;
    if (thin !== null && (row[1] as string) <= thin) {
      let newest = held.get(hostId);
      if (newest === undefined) held.set(hostId, (newest = [null, null, null, null]));
      for (let metric = 0; metric < 4; metric++) if (row[2 + metric] !== null) newest[metric] = row;
      continue;
    }
    if (hostId !== currentId) {
      currentId = hostId;
      current = byHost.get(hostId) ?? null;
      if (current === null) {
        current = heldSamples(held, hostId, toSample);
        byHost.set(hostId, current);
      }
    }
    current!.push(toSample(row));
  }
  // Hosts with nothing after `thin`: only what they held.
  for (const hostId of held.keys()) byHost.set(hostId, heldSamples(held, hostId, toSample));
  return byHost;
}

/** A host's held rows (one per metric, often the same row) as samples, oldest first; forgets them. */
function heldSamples(held: Map<number, (unknown[] | null)[]>, hostId: number, toSample: (row: unknown[]) => MetricSample): MetricSample[] {
  const newest = held.get(hostId);
  if (newest === undefined) return [];
  held.delete(hostId);
  // Usually one report carried every metric: one sample.
  const first = newest[0];
  if (first && newest.every((row) => row === first)) return [toSample(first)];
  const rows = [...new Set(newest)].filter((row): row is unknown[] => row !== null);
  rows.sort((a, b) => ((a[1] as string) < (b[1] as string) ? -1 : 1));
  return rows.map(toSample);
}

/**
 * One statement. MySQL: the inner GROUP BY is a loose scan of (host_id, dataset_name, collected_at),
 * one dive per host and dataset instead of a read of every sample. SQLite has no loose scan, but
 * answers one MAX per registered host with one seek into the primary key.
 */
export async function latestSampleTimes(db: SqlDriver, until: Date, hostIds?: readonly number[]): Promise<Map<number, Date>> {
  const latest = new Map<number, Date>();
  if (hostIds?.length === 0) return latest;
  const only = hostIds === undefined ? null : db.syntax.inIntegers(db.syntax.looseIndexScan ? 'host_id' : 'h.host_id', hostIds);
  const sql = db.syntax.looseIndexScan
    ? `SELECT host_id, MAX(latest_at) FROM (
         SELECT host_id, dataset_name, MAX(collected_at) AS latest_at FROM incoming_data
          WHERE collected_at <= ?${only ? ` AND ${only.sql}` : ''} GROUP BY host_id, dataset_name) l
        GROUP BY host_id`
    : `SELECT h.host_id, (SELECT MAX(d.collected_at) FROM incoming_data d WHERE d.host_id = h.host_id AND d.collected_at <= ?)
         FROM hosts h${only ? ` WHERE ${only.sql}` : ''}`;

  for (const row of await db.arrays(sql, [sqlTime(until), ...(only?.params ?? [])])) {
    if (row[1] != null) latest.set(num(row[0]), fromSqlTime(row[1] as string));
  }
  return latest;
}

/** One statement: each (host, dataset)'s newest time by a loose index scan, joined back to its row by key. */
export async function latestDatasetReports(db: SqlDriver, until: Date): Promise<DatasetReport[]> {
  const rows = await db.all(
    `SELECT d.host_id, d.dataset_name, d.collected_at, d.partition_key, d.files_count, d.first_event_at, d.last_event_at
       FROM (SELECT host_id, dataset_name, MAX(collected_at) AS latest_at FROM incoming_data
              WHERE dataset_name <> '' AND collected_at <= ? GROUP BY host_id, dataset_name) m
       JOIN incoming_data d ON d.host_id = m.host_id AND d.collected_at = m.latest_at AND d.dataset_name = m.dataset_name
      ORDER BY d.host_id, d.dataset_name`,
    [sqlTime(until)],
  );
  return rows.map((row) => ({
    hostId: num(row.host_id),
    datasetName: str(row.dataset_name),
    collectedAt: time(row.collected_at),
    partitionKey: strOrNull(row.partition_key),
    filesCount: numOrNull(row.files_count),
    firstEventAt: timeOrNull(row.first_event_at),
    lastEventAt: timeOrNull(row.last_event_at),
  }));
}

export function pruneSamples(db: SqlDriver, olderThan: Date, batchSize: number): Promise<number> {
  return deleteInBatches(db, 'incoming_data', 'collected_at < ?', [sqlTime(olderThan)], batchSize);
}
