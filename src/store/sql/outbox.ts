// notifications: the outbox written with each transition and delivered (and retried) afterwards.

import type { NewNotification, Notification, NotificationEvent } from '../types.js';
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

/** Oldest first (time, then id), served by the (delivered_at, created_at, notification_id) index. */
export async function pendingNotifications(db: SqlDriver, maxAttempts: number, limit: number): Promise<Notification[]> {
  const rows = await db.all(
    `SELECT notification_id, alert_id, channel, event, payload_json, created_at, attempts, last_error, delivered_at
       FROM notifications
      WHERE delivered_at IS NULL AND attempts < ?
      ORDER BY created_at, notification_id
      LIMIT ?`,
    [maxAttempts, Math.max(0, Math.floor(limit))],
  );
  return rows.map((row) => ({
    notificationId: num(row.notification_id),
    alertId: numOrNull(row.alert_id),
    channel: str(row.channel),
    event: str(row.event) as NotificationEvent,
    payload: jsonObject(row.payload_json),
    createdAt: time(row.created_at),
    attempts: num(row.attempts),
    lastError: strOrNull(row.last_error),
    deliveredAt: timeOrNull(row.delivered_at),
  }));
}

export async function markNotificationDelivered(db: SqlDriver, notificationId: number, at: Date): Promise<void> {
  await db.run('UPDATE notifications SET delivered_at = ?, last_attempt_at = ?, attempts = attempts + 1 WHERE notification_id = ?', [
    sqlTime(at),
    sqlTime(at),
    notificationId,
  ]);
}

export async function markNotificationFailed(db: SqlDriver, notificationId: number, error: string, at: Date): Promise<void> {
  await db.run('UPDATE notifications SET attempts = attempts + 1, last_error = ?, last_attempt_at = ? WHERE notification_id = ?', [
    error,
    sqlTime(at),
    notificationId,
  ]);
}
