// hosts: registration, lookup, the `hosts list` summary and removal of everything a host owns.

import { ConflictError } from '../../errors.js';
import type { Host, HostSummary } from '../types.js';
import type { SqlDriver } from './driver.js';
import { DuplicateKeyError } from './errors.js';
import { deleteInBatches } from './batch-delete.js';
import { hasMetrics } from './samples.js';
import { num, numOrNull, type Row, sqlTime, str, strOrNull, time, timeOrNull } from './rows.js';

const HOST_COLUMNS = 'host_id, host_name, description, created_at, last_seen';

function toHost(row: Row): Host {
  return {
    hostId: num(row.host_id),
    hostName: str(row.host_name),
    description: strOrNull(row.description),
    createdAt: time(row.created_at),
    lastSeen: timeOrNull(row.last_seen),
  };
}

export async function addHost(
  db: SqlDriver,
  input: { hostName: string; keyHash: string; description: string | null; createdAt: Date; registeredBy?: string | null },
): Promise<Host> {
  try {
    const result = await db.run('INSERT INTO hosts (host_name, host_key_hash, description, created_at, registered_by) VALUES (?, ?, ?, ?, ?)', [
      input.hostName,
      input.keyHash,
      input.description,
      sqlTime(input.createdAt),
      input.registeredBy ?? null,
    ]);
    return { hostId: result.insertId, hostName: input.hostName, description: input.description, createdAt: input.createdAt, lastSeen: null };
  } catch (error) {
    if (error instanceof DuplicateKeyError && error.constraint === 'hosts.host_name') {
      throw new ConflictError(`host '${input.hostName}' already exists`, {
        hint: 'choose another name, or remove the old host first with `monitor hosts remove`',
        cause: error.cause,
      });
    }
    throw keyTaken(error);
  }
}

/** A key another host already holds, said without naming it or echoing its hash; any other error as it was. */
function keyTaken(error: unknown): unknown {
  if (error instanceof DuplicateKeyError && error.constraint === 'hosts.host_key_hash')
    return new ConflictError('another host already has this key', { hint: 'generate a new key and try again', cause: error.cause });
  return error;
}

export async function findHostByName(db: SqlDriver, hostName: string): Promise<Host | null> {
  const rows = await db.all(`SELECT ${HOST_COLUMNS} FROM hosts WHERE host_name = ?`, [hostName]);
  return rows[0] ? toHost(rows[0]) : null;
}

export async function findHostByKeyHash(db: SqlDriver, keyHash: string): Promise<Host | null> {
  const rows = await db.all(`SELECT ${HOST_COLUMNS} FROM hosts WHERE host_key_hash = ?`, [keyHash]);
  return rows[0] ? toHost(rows[0]) : null;
}

/** A host from an array row whose first five columns are HOST_COLUMNS, in that order. */
export function hostFromArray(row: readonly unknown[]): Host {
  return {
    hostId: num(row[0]),
    hostName: str(row[1]),
    description: strOrNull(row[2]),
    createdAt: time(row[3]),
    lastSeen: timeOrNull(row[4]),
  };
}

/** Every host, by name. */
export async function listHostRecords(db: SqlDriver): Promise<Host[]> {
  return (await db.arrays(`SELECT ${HOST_COLUMNS} FROM hosts ORDER BY host_name`)).map(hostFromArray);
}

/**
 * One statement. The derived table finds each host's newest sample carrying metrics with a backward
 * scan of the (host_id, collected_at, …) key that stops at the first hit, so the cost follows the
 * number of hosts, not samples; the outer join then fetches that row by key. Two reports at the same
 * instant (plain and a dataset) give two rows; the first (dataset '' sorts first) wins.
 */
export async function listHosts(db: SqlDriver): Promise<HostSummary[]> {
  const rows = await db.all(
    `SELECT l.host_id, l.host_name, l.description, l.created_at, l.last_seen, l.registered_by, l.open_alerts,
            d.collected_at, d.cpu_pct, d.mem_pct, d.disk_pct, d.load_1
       FROM (SELECT h.host_id, h.host_name, h.description, h.created_at, h.last_seen, h.registered_by,
                    (SELECT x.collected_at FROM incoming_data x
                      WHERE x.host_id = h.host_id AND ${hasMetrics('x')}
                      ORDER BY x.collected_at DESC LIMIT 1) AS latest_at,
                    (SELECT COUNT(*) FROM alerts a WHERE a.host_id = h.host_id AND a.status = 'open') AS open_alerts
               FROM hosts h) l
       LEFT JOIN incoming_data d
         ON d.host_id = l.host_id AND d.collected_at = l.latest_at AND ${hasMetrics('d')}
      ORDER BY l.host_name, d.dataset_name`,
  );
  const hosts: HostSummary[] = [];
  let previousId = -1;
  for (const row of rows) {
    const hostId = num(row.host_id);
    if (hostId === previousId) continue;
    previousId = hostId;
    hosts.push({
      ...toHost(row),
      latest:
        row.collected_at == null
          ? null
          : {
              collectedAt: time(row.collected_at),
              cpuPct: numOrNull(row.cpu_pct),
              memPct: numOrNull(row.mem_pct),
              diskPct: numOrNull(row.disk_pct),
              load1: numOrNull(row.load_1),
            },
      openAlerts: num(row.open_alerts),
      registeredBy: strOrNull(row.registered_by),
    });
  }
  return hosts;
}

export async function setHostKeyHash(db: SqlDriver, hostId: number, keyHash: string, registeredBy?: string): Promise<void> {
  try {
    if (registeredBy === undefined) await db.run('UPDATE hosts SET host_key_hash = ? WHERE host_id = ?', [keyHash, hostId]);
    else await db.run('UPDATE hosts SET host_key_hash = ?, registered_by = ? WHERE host_id = ?', [keyHash, registeredBy, hostId]);
  } catch (error) {
    throw keyTaken(error);
  }
}

/** The host's samples, in batches of `batchSize` rows, each its own statement (and commit, outside a transaction). */
export function removeHostSamples(db: SqlDriver, hostId: number, batchSize: number): Promise<number> {
  return deleteInBatches(db, 'incoming_data', 'host_id = ?', [hostId], batchSize);
}

/** Run inside a transaction: there are no cascading foreign keys, so the application removes each table's rows. */
export async function removeHost(db: SqlDriver, hostId: number): Promise<void> {
  await db.run('DELETE FROM notifications WHERE alert_id IN (SELECT alert_id FROM alerts WHERE host_id = ?)', [hostId]);
  for (const table of ['alerts', 'check_state', 'host_alert_checks', 'incoming_data', 'hosts']) {
    await db.run(`DELETE FROM ${table} WHERE host_id = ?`, [hostId]);
  }
}
