// check_state (what the evaluator remembers between runs) and leases (one evaluator at a time).

import type { CheckState, CheckStatus, Lease, LeaseHolder } from '../types.js';
import type { SqlDriver } from './driver.js';
import { bool, chunk, num, numOrNull, rowsPerStatement, sqlBool, sqlTime, sqlTimeOrNull, str, strOrNull, time, timeOrNull } from './rows.js';

const STATE_COLUMNS = [
  'host_id',
  'check_id',
  'status',
  'since',
  'history',
  'flapping',
  'evaluated_at',
  'last_resolved_at',
  'open_notified',
  'last_notified_at',
] as const;
const STATE_KEY = ['host_id', 'check_id'];
const STATE_UPDATED = STATE_COLUMNS.slice(2);
const MAX_ROWS = 500;

export async function loadCheckStates(db: SqlDriver): Promise<CheckState[]> {
  const rows = await db.all(`SELECT ${STATE_COLUMNS.join(', ')} FROM check_state ORDER BY host_id, check_id`);
  return rows.map((row) => ({
    hostId: num(row.host_id),
    checkId: num(row.check_id),
    status: str(row.status) as CheckStatus,
    since: time(row.since),
    history: str(row.history),
    flapping: bool(row.flapping),
    evaluatedAt: time(row.evaluated_at),
    lastResolvedAt: timeOrNull(row.last_resolved_at),
    openNotified: bool(row.open_notified),
    lastNotifiedAt: timeOrNull(row.last_notified_at),
  }));
}

export async function deleteCheckStates(db: SqlDriver, keys: readonly { hostId: number; checkId: number }[]): Promise<void> {
  for (const part of chunk(keys, MAX_ROWS)) {
    await db.run(
      `DELETE FROM check_state WHERE ${part.map(() => '(host_id = ? AND check_id = ?)').join(' OR ')}`,
      part.flatMap((key) => [key.hostId, key.checkId]),
    );
  }
}

/** Multi-row upserts of up to 500 rows: a run over 10,000 hosts x 4 checks is 80 statements. */
export async function saveCheckStates(db: SqlDriver, states: readonly CheckState[]): Promise<void> {
  const perStatement = rowsPerStatement(STATE_COLUMNS.length, db.syntax.maxParams, MAX_ROWS);
  for (const part of chunk(states, perStatement)) {
    await db.run(
      db.syntax.upsert('check_state', STATE_COLUMNS, part.length, STATE_KEY, STATE_UPDATED),
      part.flatMap((state) => [
        state.hostId,
        state.checkId,
        state.status,
        sqlTime(state.since),
        state.history,
        sqlBool(state.flapping),
        sqlTime(state.evaluatedAt),
        sqlTimeOrNull(state.lastResolvedAt),
        sqlBool(state.openNotified),
        sqlTimeOrNull(state.lastNotifiedAt ?? null),
      ]),
    );
  }
}

const LEASE_COLUMNS = 'lease_name, owner, expires_at, holder_host, holder_pid, acquired_at, renewed_at';

/**
 * The row is inserted the first time (a duplicate means another owner did it first); after that one
 * conditional UPDATE takes the lease when it is ours or has expired. Portable to clustered engines,
 * unlike GET_LOCK. The holder's host and pid are recorded so a run on the same machine can tell
 * that the holder's process is gone (lease.ts).
 */
export async function acquireLease(db: SqlDriver, name: string, owner: string, now: Date, ttlMs: number, holder?: LeaseHolder): Promise<boolean> {
  const expiresAt = sqlTime(new Date(now.getTime() + ttlMs));
  const at = sqlTime(now);
  const host = holder?.host ?? null;
  const pid = holder?.pid ?? null;
  const insert = db.syntax.insertIgnore('leases', ['lease_name', 'owner', 'expires_at', 'holder_host', 'holder_pid', 'acquired_at', 'renewed_at'], 1, ['lease_name']);
  if ((await db.run(insert, [name, owner, expiresAt, host, pid, at, at])).affectedRows === 1) return true;
  // acquired_at first: MySQL evaluates SET left to right with the new values, SQLite with the old.
  const updated = await db.run(
    `UPDATE leases SET acquired_at = CASE WHEN owner = ? THEN acquired_at ELSE ? END, owner = ?, expires_at = ?, holder_host = ?,
            holder_pid = ?, renewed_at = ?
      WHERE lease_name = ? AND (owner = ? OR expires_at < ?)`,
    [owner, at, owner, expiresAt, host, pid, at, name, owner, at],
  );
  if (updated.affectedRows === 1) return true;
  return holdsUntil(db, name, owner, expiresAt);
}

/** Extends the lease for its owner (the heartbeat): false when it is no longer ours. */
export async function renewLease(db: SqlDriver, name: string, owner: string, now: Date, ttlMs: number): Promise<boolean> {
  const expiresAt = sqlTime(new Date(now.getTime() + ttlMs));
  const updated = await db.run('UPDATE leases SET expires_at = ?, renewed_at = ? WHERE lease_name = ? AND owner = ?', [expiresAt, sqlTime(now), name, owner]);
  if (updated.affectedRows === 1) return true;
  return holdsUntil(db, name, owner, expiresAt);
}

/** Takes the lease from `from` whatever its expiry (its process is gone): false when `from` no longer holds it. */
export async function takeOverLease(db: SqlDriver, name: string, from: string, owner: string, now: Date, ttlMs: number, holder?: LeaseHolder): Promise<boolean> {
  const at = sqlTime(now);
  const updated = await db.run(
    `UPDATE leases SET owner = ?, expires_at = ?, holder_host = ?, holder_pid = ?, acquired_at = ?, renewed_at = ?
      WHERE lease_name = ? AND owner = ?`,
    [owner, sqlTime(new Date(now.getTime() + ttlMs)), holder?.host ?? null, holder?.pid ?? null, at, at, name, from],
  );
  return updated.affectedRows === 1;
}

export async function getLease(db: SqlDriver, name: string): Promise<Lease | null> {
  const [row] = await db.all(`SELECT ${LEASE_COLUMNS} FROM leases WHERE lease_name = ?`, [name]);
  if (!row) return null;
  return {
    name: str(row.lease_name),
    owner: str(row.owner),
    expiresAt: time(row.expires_at),
    host: strOrNull(row.holder_host),
    pid: numOrNull(row.holder_pid),
    acquiredAt: timeOrNull(row.acquired_at),
    renewedAt: timeOrNull(row.renewed_at),
  };
}

/** MySQL reports 0 rows for an UPDATE that writes the values already there (same owner, same instant). */
async function holdsUntil(db: SqlDriver, name: string, owner: string, expiresAt: string): Promise<boolean> {
  const rows = await db.all('SELECT owner, expires_at FROM leases WHERE lease_name = ?', [name]);
  return rows[0] !== undefined && str(rows[0].owner) === owner && str(rows[0].expires_at) === expiresAt;
}

export async function releaseLease(db: SqlDriver, name: string, owner: string): Promise<void> {
  await db.run('DELETE FROM leases WHERE lease_name = ? AND owner = ?', [name, owner]);
}
