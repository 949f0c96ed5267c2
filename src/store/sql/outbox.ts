// notifications: the outbox written with each transition and delivered (and retried) afterwards.

import type { NewNotification, Notification, OutboxEvent } from '../types.js';
import { deleteInBatches } from './batch-delete.js';
import { type SqlDriver, valuesList } from './driver.js';
import { chunk, jsonObject, num, numOrNull, rowsPerStatement, sqlJson, sqlTime, str, strOrNull, time, timeOrNull } from './rows.js';

const INSERT_COLUMNS = ['alert_id', 'channel', 'event', 'payload_json', 'created_at'] as const;
const MAX_ROWS = 500;

export async function enqueueNotifications(db: SqlDriver, items: readonly NewNotification[]): Promise<void> {
  for (const part of chunk(items, rowsPerStatement(INSERT_COLUMNS.length, db.syntax.maxParams, MAX_ROWS))) {
    await db.run(
      `INSERT INTO notifications (${INSERT_COLUMNS.join(', ')}) VALUES ${valuesList(INSERT_COLUMNS.length, part.length)}`,
      part.flatMap((item) => [item.alertId, item.channel, item.event, sqlJson(item.payload), sqlTime(item.createdAt)]),
    );
  }
}

const PENDING_COLUMNS = 'notification_id, alert_id, channel, event, payload_json, created_at, attempts, last_error, delivered_at';

/**
 * Each channel's oldest pending rows, as one UNION ALL of per-channel reads, each walking the
 * (channel, delivered_at, created_at, notification_id) index over that channel's pending rows only
 * (migration 003); then oldest first.
 */
export async function pendingNotifications(
  db: SqlDriver,
  channels: readonly string[],
  maxAttempts: number,
  limitPerChannel: number,
): Promise<Notification[]> {
  const unique = [...new Set(channels)];
  if (unique.length === 0) return [];
  const limit = Math.max(0, Math.floor(limitPerChannel));
  const perChannel = unique.map(
    (_, i) =>
      `SELECT * FROM (SELECT ${PENDING_COLUMNS} FROM notifications
        WHERE delivered_at IS NULL AND attempts < ? AND channel = ?
        ORDER BY created_at, notification_id LIMIT ?) AS channel_${i}`,
  );
  const rows = await db.all(
    `${perChannel.join('\n      UNION ALL ')}\n      ORDER BY created_at, notification_id`,
    unique.flatMap((channel) => [maxAttempts, channel, limit]),
  );
  return rows.map((row) => ({
    notificationId: num(row.notification_id),
    alertId: numOrNull(row.alert_id),
    channel: str(row.channel),
    event: str(row.event) as OutboxEvent,
    payload: jsonObject(row.payload_json),
    createdAt: time(row.created_at),
    attempts: num(row.attempts),
    lastError: strOrNull(row.last_error),
    deliveredAt: timeOrNull(row.delivered_at),
  }));
}

/**
 * One conditional UPDATE: the row is ours when it is undelivered, has attempts left under this run's
 * `maxAttempts`, and is unclaimed, its claim expired (the run that claimed it died or hung), or the
 * claim is already ours. The attempts test is in the statement, not only in the read that listed the
 * row: another run may have spent its last attempt since, and this run must not send it again.
 */
export async function claimNotification(
  db: SqlDriver,
  notificationId: number,
  token: string,
  now: Date,
  until: Date,
  maxAttempts: number,
): Promise<boolean> {
  const result = await db.run(
    `UPDATE notifications SET claim_token = ?, claim_expires_at = ?
      WHERE notification_id = ? AND delivered_at IS NULL AND attempts < ?
        AND (claim_token IS NULL OR claim_token = ? OR claim_expires_at < ?)`,
    [token, sqlTime(until), notificationId, maxAttempts, token, sqlTime(now)],
  );
  if (result.affectedRows === 1) return true;
  // MySQL counts an UPDATE that writes the values already there as 0 rows (our own claim, same instant).
  const [row] = await db.all('SELECT claim_token FROM notifications WHERE notification_id = ? AND delivered_at IS NULL AND attempts < ?', [
    notificationId,
    maxAttempts,
  ]);
  return row !== undefined && row.claim_token === token;
}

export async function releaseNotificationClaims(db: SqlDriver, token: string): Promise<number> {
  const result = await db.run('UPDATE notifications SET claim_token = NULL, claim_expires_at = NULL WHERE claim_token = ? AND delivered_at IS NULL', [token]);
  return result.affectedRows;
}

export async function markNotificationDelivered(db: SqlDriver, notificationId: number, at: Date): Promise<void> {
  await db.run('UPDATE notifications SET delivered_at = ?, last_attempt_at = ?, attempts = attempts + 1, claim_token = NULL, claim_expires_at = NULL WHERE notification_id = ?', [
    sqlTime(at),
    sqlTime(at),
    notificationId,
  ]);
}

export async function markNotificationFailed(db: SqlDriver, notificationId: number, error: string, at: Date): Promise<void> {
  await db.run('UPDATE notifications SET attempts = attempts + 1, last_error = ?, last_attempt_at = ?, claim_token = NULL, claim_expires_at = NULL WHERE notification_id = ?', [
    error,
    sqlTime(at),
    notificationId,
  ]);
}

export function pruneFinishedNotifications(db: SqlDriver, olderThan: Date, maxAttempts: number, batchSize: number): Promise<number> {
  return deleteInBatches(db, 'notifications', 'created_at < ? AND (delivered_at IS NOT NULL OR attempts >= ?)', [sqlTime(olderThan), maxAttempts], batchSize);
}
