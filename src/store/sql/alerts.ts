// alerts: the record of what went wrong and when. The one-open-alert rule lives in the schema
// (uq_alerts_open); the driver turns its refusal into DuplicateOpenAlertError.

import type { Alert, AlertFilter, AlertStatus, NewAlert, Severity } from '../types.js';
import { deleteInBatches } from './batch-delete.js';
import type { SqlDriver, SqlValue } from './driver.js';
import { num, numOrNull, type Row, sqlTime, str, strOrNull, time, timeOrNull } from './rows.js';

const DEFAULT_LIMIT = 50;

// LEFT JOINs: an alert whose host or check type was deleted by hand still lists.
const SELECT_ALERTS = `SELECT a.alert_id, a.host_id, h.host_name, a.check_id, t.check_key, t.check_name, a.severity, a.status,
       a.triggered_at, a.resolved_at, a.message, a.resolve_message, a.value, a.peak_value, a.resolve_value, a.acknowledged_at
  FROM alerts a
  LEFT JOIN hosts h ON h.host_id = a.host_id
  LEFT JOIN alert_types t ON t.check_id = a.check_id`;

function toAlert(row: Row): Alert {
  const hostId = num(row.host_id);
  const checkId = num(row.check_id);
  return {
    alertId: num(row.alert_id),
    hostId,
    hostName: row.host_name == null ? `host #${hostId}` : str(row.host_name),
    checkId,
    checkKey: row.check_key == null ? `check #${checkId}` : str(row.check_key),
    checkName: row.check_name == null ? `check #${checkId}` : str(row.check_name),
    severity: str(row.severity) as Severity,
    status: str(row.status) as AlertStatus,
    triggeredAt: time(row.triggered_at),
    resolvedAt: timeOrNull(row.resolved_at),
    message: str(row.message),
    resolveMessage: strOrNull(row.resolve_message),
    value: numOrNull(row.value),
    peakValue: numOrNull(row.peak_value),
    resolveValue: numOrNull(row.resolve_value),
    acknowledgedAt: timeOrNull(row.acknowledged_at),
  };
}

export async function openAlert(db: SqlDriver, alert: NewAlert): Promise<number> {
  const result = await db.run(
    `INSERT INTO alerts (host_id, check_id, severity, status, triggered_at, message, value, peak_value) VALUES (?, ?, ?, 'open', ?, ?, ?, ?)`,
    [alert.hostId, alert.checkId, alert.severity, sqlTime(alert.triggeredAt), alert.message, alert.value, alert.value],
  );
  return result.insertId;
}

/** Only an open alert changes: a resolved one keeps the record of how it ended. */
export async function updateAlertSeverity(
  db: SqlDriver,
  alertId: number,
  update: { severity: Severity; message: string; value: number | null; peakValue?: number | null },
): Promise<void> {
  // Without a peak from the evaluator, a higher value is the worse one (every built-in but files_count).
  const peak = update.peakValue !== undefined ? '?' : 'CASE WHEN peak_value IS NULL OR ? > peak_value THEN ? ELSE peak_value END';
  const peakParams = update.peakValue !== undefined ? [update.peakValue] : [update.value, update.value];
  await db.run(`UPDATE alerts SET severity = ?, message = ?, value = ?, peak_value = ${peak} WHERE alert_id = ? AND status = 'open'`, [
    update.severity,
    update.message,
    update.value,
    ...peakParams,
    alertId,
  ]);
}

/** New worst values of open alerts, one statement per 500: the evaluator decides what is worse. */
export async function updateAlertPeaks(db: SqlDriver, peaks: readonly { alertId: number; peakValue: number }[]): Promise<void> {
  for (let start = 0; start < peaks.length; start += 500) {
    const part = peaks.slice(start, start + 500);
    const ids = db.syntax.inIntegers('alert_id', part.map((peak) => peak.alertId));
    await db.run(
      `UPDATE alerts SET peak_value = CASE alert_id ${part.map(() => 'WHEN ? THEN ?').join(' ')} ELSE peak_value END WHERE ${ids.sql} AND status = 'open'`,
      [...part.flatMap((peak) => [peak.alertId, peak.peakValue]), ...ids.params],
    );
  }
}

export async function resolveAlert(
  db: SqlDriver,
  alertId: number,
  update: { resolvedAt: Date; resolveMessage: string; value: number | null },
): Promise<boolean> {
  const result = await db.run(
    `UPDATE alerts SET status = 'resolved', resolved_at = ?, resolve_message = ?, resolve_value = ? WHERE alert_id = ? AND status = 'open'`,
    [sqlTime(update.resolvedAt), update.resolveMessage, update.value, alertId],
  );
  return result.affectedRows === 1;
}

export async function acknowledgeAlert(db: SqlDriver, alertId: number, at: Date): Promise<Alert | null> {
  await db.run('UPDATE alerts SET acknowledged_at = ? WHERE alert_id = ? AND acknowledged_at IS NULL', [sqlTime(at), alertId]);
  return getAlert(db, alertId);
}

export async function getAlert(db: SqlDriver, alertId: number): Promise<Alert | null> {
  const rows = await db.all(`${SELECT_ALERTS} WHERE a.alert_id = ?`, [alertId]);
  return rows[0] ? toAlert(rows[0]) : null;
}

/** Newest first by time, then id: ids from a cluster interleave, so they never order alone. */
export async function listAlerts(db: SqlDriver, filter: AlertFilter): Promise<Alert[]> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.status !== undefined && filter.status !== 'all') {
    where.push('a.status = ?');
    params.push(filter.status);
  }
  if (filter.hostName !== undefined) {
    where.push('h.host_name = ?');
    params.push(filter.hostName);
  }
  if (filter.checkKey !== undefined) {
    where.push('t.check_key = ?');
    params.push(filter.checkKey);
  }
  if (filter.since !== undefined) {
    where.push('a.triggered_at >= ?');
    params.push(sqlTime(filter.since));
  }
  const limit = filter.limit ?? DEFAULT_LIMIT;
  let sql = `${SELECT_ALERTS} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.triggered_at DESC, a.alert_id DESC`;
  if (limit > 0) {
    sql += ' LIMIT ?';
    params.push(Math.floor(limit));
  }
  return (await db.all(sql, params)).map(toAlert);
}

export async function listOpenAlerts(db: SqlDriver): Promise<Alert[]> {
  const rows = await db.all(`${SELECT_ALERTS} WHERE a.status = 'open' ORDER BY a.triggered_at, a.alert_id`);
  return rows.map(toAlert);
}

export function pruneResolvedAlerts(db: SqlDriver, olderThan: Date, batchSize: number): Promise<number> {
  return deleteInBatches(db, 'alerts', "status = 'resolved' AND resolved_at < ?", [sqlTime(olderThan)], batchSize);
}
