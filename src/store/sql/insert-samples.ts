// incoming_data writes: idempotent inserts plus hosts.last_seen. Both dialects run insertSamples
// inside a transaction; the MySQL adapter's one-round-trip writer (store/mysql/sample-writer.ts)
// sends the same statements with their values escaped client-side, so the SQL lives here once.

import type { InsertResult, NewSample } from '../types.js';
import type { SqlDriver, SqlSyntax, SqlValue } from './driver.js';
import { chunk, rowsPerStatement, sqlTime, sqlTimeOrNull } from './rows.js';

export const SAMPLE_COLUMNS = [
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
export const MAX_ROWS_PER_INSERT = 1000;

/** One row's values in SAMPLE_COLUMNS order. */
export type SampleParams = [
  number,
  string,
  string,
  number | null,
  number | null,
  number | null,
  number | null,
  string,
  string | null,
  number | null,
  string | null,
  string | null,
];

export function toParams(sample: NewSample): SampleParams {
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
export function byKey(a: SampleParams, b: SampleParams): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || (a[7] < b[7] ? -1 : a[7] > b[7] ? 1 : 0);
}

/**
 * Run inside a transaction: the rows and (with `touch`) last_seen commit together. The ingest
 * server passes touch = false and refreshes last_seen apart (server/last-seen.ts).
 */
export async function insertSamples(db: SqlDriver, samples: readonly NewSample[], touch = true): Promise<InsertResult> {
  if (samples.length === 0) return { inserted: 0, duplicates: 0 };
  const rows = samples.map(toParams).sort(byKey);
  let inserted = 0;
  const perStatement = rowsPerStatement(SAMPLE_COLUMNS.length, db.syntax.maxParams, MAX_ROWS_PER_INSERT);
  for (const part of chunk(rows, perStatement)) {
    const sql = db.syntax.insertIgnore('incoming_data', SAMPLE_COLUMNS, part.length, SAMPLE_KEY);
    inserted += (await db.run(sql, part.flat())).affectedRows;
  }
  if (touch) for (const statement of touchHostsStatements(db.syntax, rows)) await db.run(statement.sql, statement.params);
  return { inserted, duplicates: samples.length - inserted };
}

/** Sets each host's last_seen to the time given, unless it is already later. Each statement stands alone. */
export async function touchHosts(db: SqlDriver, seen: readonly { hostId: number; at: Date }[]): Promise<void> {
  const newest = new Map<number, string>();
  for (const { hostId, at } of seen) {
    const time = sqlTime(at);
    const known = newest.get(hostId);
    if (known === undefined || time > known) newest.set(hostId, time);
  }
  for (const statement of lastSeenStatements(db.syntax, newest)) await db.run(statement.sql, statement.params);
}

/**
 * The UPDATEs that set last_seen to each host's newest received_at, over host ids in key order,
 * never moving it backwards (a batch received earlier may commit after a newer one). One statement
 * unless there are more hosts than one statement's parameters allow.
 */
export function touchHostsStatements(syntax: SqlSyntax, rows: readonly SampleParams[]): { sql: string; params: SqlValue[] }[] {
  const newest = new Map<number, string>();
  for (const row of rows) {
    const seen = newest.get(row[0]);
    if (seen === undefined || row[2] > seen) newest.set(row[0], row[2]);
  }
  return lastSeenStatements(syntax, newest);
}

function lastSeenStatements(syntax: SqlSyntax, newest: ReadonlyMap<number, string>): { sql: string; params: SqlValue[] }[] {
  const hostIds = [...newest.keys()].sort((a, b) => a - b);
  const times = new Set(newest.values());
  const statements: { sql: string; params: SqlValue[] }[] = [];
  for (const ids of chunk(hostIds, Math.floor(syntax.maxParams / 5))) {
    const inList = syntax.inIntegers('host_id', ids);
    if (times.size === 1) {
      // One batch, one receive time.
      const [at] = [...times] as [string];
      statements.push({
        sql: `UPDATE hosts SET last_seen = ? WHERE ${inList.sql} AND (last_seen IS NULL OR last_seen < ?)`,
        params: [at, ...inList.params, at],
      });
      continue;
    }
    const newTime = `CASE host_id ${ids.map(() => 'WHEN ? THEN ?').join(' ')} END`;
    const newTimeParams: SqlValue[] = ids.flatMap((id) => [id, newest.get(id)!]);
    statements.push({
      sql: `UPDATE hosts SET last_seen = CASE WHEN last_seen IS NULL OR last_seen < ${newTime} THEN ${newTime} ELSE last_seen END WHERE ${inList.sql}`,
      params: [...newTimeParams, ...newTimeParams, ...inList.params],
    });
  }
  return statements;
}
