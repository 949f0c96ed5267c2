// Set-based alert writes: one run's opens, severity changes and resolves in a few statements each,
// however many hosts changed (a storm of 10,000 silent hosts is ~20 INSERTs of 500 rows, not 10,000
// statements). Run inside the check run's transaction: each call reads what is open first, so a
// transition another evaluator already made is reported back (null / false) instead of made twice.

import { DuplicateOpenAlertError, RetryableTransactionError } from '../../errors.js';
import type { AlertResolve, AlertSeverityChange, NewAlert } from '../types.js';
import { type SqlDriver, type SqlValue, valuesList } from './driver.js';
import { chunk, num, rowsPerStatement, sqlTime } from './rows.js';

const MAX_ROWS = 500;
// peak_value starts as the firing value (the worst seen so far is the one that opened it).
const OPEN_COLUMNS = ['host_id', 'check_id', 'severity', 'status', 'triggered_at', 'message', 'value', 'peak_value'] as const;

const pairKey = (hostId: number, checkId: number) => `${hostId}:${checkId}`;

/** The open alerts of these hosts, by host and check. One statement per 5,000 hosts. */
async function openAlertIds(db: SqlDriver, hostIds: readonly number[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const part of chunk([...new Set(hostIds)], 5_000)) {
    const hosts = db.syntax.inIntegers('host_id', part);
    const rows = await db.arrays(`SELECT alert_id, host_id, check_id FROM alerts WHERE status = 'open' AND ${hosts.sql}`, hosts.params);
    for (const [alertId, hostId, checkId] of rows) ids.set(pairKey(num(hostId), num(checkId)), num(alertId));
  }
  return ids;
}

/**
 * Opens these alerts with multi-row INSERTs; returns each one's new alert_id, in order, or null when
 * an alert was already open for that host and check (another evaluator opened it).
 */
export async function openAlerts(db: SqlDriver, alerts: readonly NewAlert[]): Promise<(number | null)[]> {
  if (alerts.length === 0) return [];
  const before = await openAlertIds(db, alerts.map((alert) => alert.hostId));
  const free = alerts.filter((alert) => !before.has(pairKey(alert.hostId, alert.checkId)));
  try {
    for (const part of chunk(free, rowsPerStatement(OPEN_COLUMNS.length, db.syntax.maxParams, MAX_ROWS))) {
      await db.run(
        `INSERT INTO alerts (${OPEN_COLUMNS.join(', ')}) VALUES ${valuesList(OPEN_COLUMNS.length, part.length)}`,
        part.flatMap((alert) => [alert.hostId, alert.checkId, alert.severity, 'open', sqlTime(alert.triggeredAt), alert.message, alert.value, alert.value]),
      );
    }
  } catch (error) {
    // Another evaluator opened one of them after our read (MySQL; a SQLite writer is alone): run the
    // whole transaction again, and its read will find that alert taken.
    if (error instanceof DuplicateOpenAlertError) throw new RetryableTransactionError('another evaluator opened one of these alerts meanwhile', { cause: error });
    throw error;
  }
  // Ours are the open alerts that were not open before: one open alert per host and check.
  const after = await openAlertIds(db, free.map((alert) => alert.hostId));
  return alerts.map((alert) => {
    const key = pairKey(alert.hostId, alert.checkId);
    return before.has(key) ? null : (after.get(key) ?? null);
  });
}

/**
 * The ids among these that are open now. With `lock`, read past MySQL's snapshot and hold the rows
 * until the transaction ends, so a close cannot slip in between this read and the caller's commit.
 * Looked up by primary key alone (the status is checked here), so a locking read locks exactly these
 * rows: with the status in the WHERE, MySQL may scan idx_alerts_status and lock every open alert.
 */
async function stillOpen(db: SqlDriver, alertIds: readonly number[], lock = false): Promise<Set<number>> {
  const open = new Set<number>();
  for (const part of chunk(alertIds, 5_000)) {
    const ids = db.syntax.inIntegers('alert_id', part);
    const rows = await db.arrays(`SELECT alert_id, status FROM alerts WHERE ${ids.sql}${lock ? db.syntax.lockRows : ''}`, ids.params);
    for (const [alertId, status] of rows) if (status === 'open') open.add(num(alertId));
  }
  return open;
}

/**
 * The ids among these that are still open, locked until the caller's transaction ends (one
 * statement per 5,000 ids). A check run calls it first in its write transaction: what it evaluated
 * about an alert that was closed since it loaded its inputs is stale (closeAlerts wrote the state),
 * and a close that comes later waits for the run to commit, then writes its state over the run's.
 */
export function lockOpenAlerts(db: SqlDriver, alertIds: readonly number[]): Promise<Set<number>> {
  return stillOpen(db, [...new Set(alertIds)], true);
}

/** `CASE alert_id WHEN ? THEN ? … END` for one column, with its parameters. */
function caseOf<T>(rows: readonly T[], id: (row: T) => number, value: (row: T) => SqlValue): { sql: string; params: SqlValue[] } {
  return {
    sql: `CASE alert_id ${rows.map(() => 'WHEN ? THEN ?').join(' ')} END`,
    params: rows.flatMap((row) => [id(row), value(row)]),
  };
}

/**
 * Resolves these alerts; returns, in order, whether each was resolved by this call (false: it was
 * no longer open — another evaluator resolved it). A resolve that another writer makes between the
 * read and the update makes the whole transaction run again (RetryableTransactionError).
 */
export async function resolveAlerts(db: SqlDriver, updates: readonly AlertResolve[]): Promise<boolean[]> {
  if (updates.length === 0) return [];
  const open = await stillOpen(db, updates.map((update) => update.alertId));
  const mine = updates.filter((update) => open.has(update.alertId));
  let resolved = 0;
  for (const part of chunk(mine, MAX_ROWS)) {
    const message = caseOf(part, (u) => u.alertId, (u) => u.resolveMessage);
    const value = caseOf(part, (u) => u.alertId, (u) => u.value);
    const at = caseOf(part, (u) => u.alertId, (u) => sqlTime(u.resolvedAt));
    const ids = db.syntax.inIntegers('alert_id', part.map((u) => u.alertId));
    const result = await db.run(
      // The resolving value goes to resolve_value: value (firing) and peak_value keep how bad it got.
      `UPDATE alerts SET status = 'resolved', resolved_at = ${at.sql}, resolve_message = ${message.sql}, resolve_value = ${value.sql}
        WHERE status = 'open' AND ${ids.sql}`,
      [...at.params, ...message.params, ...value.params, ...ids.params],
    );
    resolved += result.affectedRows;
  }
  if (resolved !== mine.length) throw new RetryableTransactionError('another evaluator resolved one of these alerts meanwhile');
  return updates.map((update) => open.has(update.alertId));
}

/**
 * Changes severity, message, value and peak of these alerts while they are open (a resolved one keeps
 * its record). The peak is the evaluator's `peakValue` when given, else the higher of the stored peak
 * and the new value, as updateAlertSeverity does.
 */
export async function updateAlertSeverities(db: SqlDriver, updates: readonly AlertSeverityChange[]): Promise<void> {
  for (const part of chunk(updates, MAX_ROWS)) {
    const severity = caseOf(part, (u) => u.alertId, (u) => u.severity);
    const message = caseOf(part, (u) => u.alertId, (u) => u.message);
    const value = caseOf(part, (u) => u.alertId, (u) => u.value);
    const peak = peakCase(part);
    const ids = db.syntax.inIntegers('alert_id', part.map((u) => u.alertId));
    await db.run(
      `UPDATE alerts SET severity = ${severity.sql}, message = ${message.sql}, value = ${value.sql}, peak_value = ${peak.sql} WHERE status = 'open' AND ${ids.sql}`,
      [...severity.params, ...message.params, ...value.params, ...peak.params, ...ids.params],
    );
  }
}

function peakCase(rows: readonly AlertSeverityChange[]): { sql: string; params: SqlValue[] } {
  const given = (u: AlertSeverityChange) => u.peakValue !== undefined;
  return {
    sql: `CASE alert_id ${rows.map((u) => (given(u) ? 'WHEN ? THEN ?' : 'WHEN ? THEN CASE WHEN peak_value IS NULL OR ? > peak_value THEN ? ELSE peak_value END')).join(' ')} END`,
    params: rows.flatMap((u) => (given(u) ? [u.alertId, u.peakValue ?? null] : [u.alertId, u.value, u.value])),
  };
}
