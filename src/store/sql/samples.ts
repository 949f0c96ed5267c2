// incoming_data: idempotent ingest and the reads `monitor check` makes once per run for all hosts.

import { fromSqlTime } from '../../time/sql-time.js';
import type { DatasetReport, InsertResult, MetricSample, NewSample } from '../types.js';
import { deleteInBatches } from './batch-delete.js';
import type { SqlDriver, SqlValue } from './driver.js';
import { chunk, num, numOrNull, rowsPerStatement, sqlTime, sqlTimeOrNull, str, strOrNull, time, timeOrNull } from './rows.js';

const SAMPLE_COLUMNS = [
  'host_id',
  'collected_at',
  'received_at',
  'cpu_pct',
  'mem_pct',
  'disk_pct',
  'load_1',
  'dataset_name',
  'partition_key',
  'files_count',
  'first_event_at',
  'last_event_at',
] as const;
const SAMPLE_KEY = ['host_id', 'collected_at', 'dataset_name'];
/** Rows per INSERT: big enough to amortise the round trip, small enough for any max_allowed_packet. */
const MAX_ROWS_PER_INSERT = 1000;
const HAS_METRICS = '(cpu_pct IS NOT NULL OR mem_pct IS NOT NULL OR disk_pct IS NOT NULL OR load_1 IS NOT NULL)';

type SampleParams = [number, string, string, number | null, number | null, number | null, number | null, string, string | null, number | null, string | null, string | null];

function toParams(sample: NewSample): SampleParams {
  return [
    sample.hostId,
    sqlTime(sample.collectedAt),
    sqlTime(sample.receivedAt),
    sample.cpuPct,
    sample.memPct,
    sample.diskPct,
    sample.load1,
    sample.datasetName ?? '',
    sample.partitionKey,
    sample.filesCount,
    sqlTimeOrNull(sample.firstEventAt),
    sqlTimeOrNull(sample.lastEventAt),
  ];
}

/** Key order: concurrent writers then lock rows in the same order, which keeps InnoDB deadlocks rare. */
function byKey(a: SampleParams, b: SampleParams): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || (a[7] < b[7] ? -1 : a[7] > b[7] ? 1 : 0);
}

/** Run inside a transaction: the rows and last_seen commit together. */
export async function insertSamples(db: SqlDriver, samples: readonly NewSample[]): Promise<InsertResult> {
  if (samples.length === 0) return { inserted: 0, duplicates: 0 };
  const rows = samples.map(toParams).sort(byKey);
  let inserted = 0;
  const perStatement = rowsPerStatement(SAMPLE_COLUMNS.length, db.syntax.maxParams, MAX_ROWS_PER_INSERT);
  for (const part of chunk(rows, perStatement)) {
    const sql = db.syntax.insertIgnore('incoming_data', SAMPLE_COLUMNS, part.length, SAMPLE_KEY);
    inserted += (await db.run(sql, part.flat())).affectedRows;
  }
  await touchHosts(db, rows);
  return { inserted, duplicates: samples.length - inserted };
}

/**
 * Sets last_seen to each host's newest received_at in one UPDATE over host ids in key order, never
 * moving it backwards (a batch received earlier may commit after a newer one).
 */
async function touchHosts(db: SqlDriver, rows: readonly SampleParams[]): Promise<void> {
  const newest = new Map<number, string>();
  for (const row of rows) {
    const seen = newest.get(row[0]);
    if (seen === undefined || row[2] > seen) newest.set(row[0], row[2]);
  }
  const hostIds = [...newest.keys()].sort((a, b) => a - b);
  const times = new Set(newest.values());
  for (const ids of chunk(hostIds, Math.floor(db.syntax.maxParams / 5))) {
    const inList = db.syntax.inIntegers('host_id', ids);
    if (times.size === 1) {
      // The usual case: one batch, one receive time.
      const [at] = [...times] as [string];
      await db.run(`UPDATE hosts SET last_seen = ? WHERE ${inList.sql} AND (last_seen IS NULL OR last_seen < ?)`, [at, ...inList.params, at]);
      continue;
    }
    const newTime = `CASE host_id ${ids.map(() => 'WHEN ? THEN ?').join(' ')} END`;
    const newTimeParams: SqlValue[] = ids.flatMap((id) => [id, newest.get(id)!]);
    await db.run(
      `UPDATE hosts SET last_seen = CASE WHEN last_seen IS NULL OR last_seen < ${newTime} THEN ${newTime} ELSE last_seen END WHERE ${inList.sql}`,
      [...newTimeParams, ...newTimeParams, ...inList.params],
    );
  }
}

/**
 * Up to this many hosts are read by their key ranges; more come from one scan of the time window.
 * MariaDB turns an IN list of 1000+ values into a join that reads every sample of each host.
 */
const MAX_HOSTS_BY_KEY = 500;

/**
 * One statement. Few hosts: seeks into each host's key range. Many or all: one range of the
 * covering (collected_at, host_id, metrics…) index — the last minutes of every host sit together
 * there, while in the primary key they are spread over every host's pages. Rows arrive oldest first
 * per host, and the map is built in one pass over arrays with hand-parsed times: on MariaDB this
 * returns ~150k rows for 10,000 hosts.
 */
export async function loadMetricSamples(
  db: SqlDriver,
  range: { from: Date; to: Date; hostIds?: readonly number[] },
): Promise<Map<number, MetricSample[]>> {
  const byHost = new Map<number, MetricSample[]>();
  const hostIds = range.hostIds;
  if (hostIds !== undefined && hostIds.length === 0) return byHost;
  const select = 'SELECT host_id, collected_at, cpu_pct, mem_pct, disk_pct, load_1 FROM incoming_data';
  const window = `collected_at > ? AND collected_at <= ? AND ${HAS_METRICS}`;
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
  let currentId = -1;
  let current: MetricSample[] | null = null;
  for (const row of rows) {
    const hostId = row[0] as number;
    if (hostId !== currentId) {
      currentId = hostId;
      if (wanted !== null && !wanted.has(hostId)) {
        current = null;
      } else {
        current = byHost.get(hostId) ?? null;
        if (current === null) byHost.set(hostId, (current = []));
      }
    }
    if (current === null) continue;
    current.push({
      collectedAt: fromSqlTime(row[1] as string),
      cpuPct: row[2] as number | null,
      memPct: row[3] as number | null,
      diskPct: row[4] as number | null,
      load1: row[5] as number | null,
    });
  }
  return byHost;
}

/**
 * One statement. MySQL: the inner GROUP BY is a loose scan of (host_id, dataset_name, collected_at),
 * one dive per host and dataset instead of a read of every sample. SQLite has no loose scan, but
 * answers one MAX per registered host with one seek into the primary key.
 */
export async function latestSampleTimes(db: SqlDriver, until: Date): Promise<Map<number, Date>> {
  const sql = db.syntax.looseIndexScan
    ? `SELECT host_id, MAX(latest_at) FROM (
         SELECT host_id, dataset_name, MAX(collected_at) AS latest_at FROM incoming_data
          WHERE collected_at <= ? GROUP BY host_id, dataset_name) l
        GROUP BY host_id`
    : `SELECT h.host_id, (SELECT MAX(d.collected_at) FROM incoming_data d WHERE d.host_id = h.host_id AND d.collected_at <= ?)
         FROM hosts h`;
  const latest = new Map<number, Date>();
  for (const row of await db.arrays(sql, [sqlTime(until)])) {
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
