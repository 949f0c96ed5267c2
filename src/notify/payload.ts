// From a committed transition to outbox rows, and back from an outbox row to the payload notifiers
// render. The payload is built once, when the transition is committed, so a retry days later sends
// exactly what the first attempt would have sent.

import type { TransitionRecord } from '../alerts/types.js';
import type { NewNotification, OutboxEvent } from '../store/types.js';
import { groupPayload } from './group.js';
import type { NotificationPayload } from './types.js';

/** `text` is the console line for this transition, e.g. "🚨 NEW ALERT #15: Disk Space - …". */
export function toNotificationPayload(record: TransitionRecord, text: string): NotificationPayload {
  return {
    event: record.event,
    alert_id: record.alertId,
    host_name: record.hostName,
    check_key: record.checkKey,
    check_name: record.checkName,
    severity: record.severity,
    status: record.status,
    message: record.message,
    value: record.value,
    params: { ...record.params },
    triggered_at: record.triggeredAt ? record.triggeredAt.toISOString() : null,
    resolved_at: record.resolvedAt ? record.resolvedAt.toISOString() : null,
    ...(record.reopenedAt ? { reopened_at: record.reopenedAt.toISOString() } : {}),
    ...(record.openForMs != null ? { open_for_seconds: Math.round(record.openForMs / 1000) } : {}),
    text,
  };
}

/**
 * One outbox row per (announced transition, channel), in transition order. Transitions recorded
 * quietly (`notify: false`: cooldown, flapping, acknowledged) get none. When one check has more than
 * `groupThreshold` announced transitions, they become one grouped row per channel instead, where the
 * first of them was (group.ts).
 */
export function outboxRows(
  records: readonly TransitionRecord[],
  channels: readonly string[],
  textOf: (record: TransitionRecord) => string,
  createdAt: Date,
  groupThreshold = Number.POSITIVE_INFINITY,
): NewNotification[] {
  const announced = records.filter((record) => record.notify);
  const perCheck = new Map<string, TransitionRecord[]>();
  for (const record of announced) {
    const list = perCheck.get(record.checkKey);
    if (list) list.push(record);
    else perCheck.set(record.checkKey, [record]);
  }
  const rows: NewNotification[] = [];
  const push = (alertId: number | null, event: OutboxEvent, payload: NotificationPayload) => {
    for (const channel of channels) rows.push({ alertId, channel, event, payload: { ...payload }, createdAt });
  };
  for (const record of announced) {
    const ofCheck = perCheck.get(record.checkKey)!;
    if (ofCheck.length <= groupThreshold) push(record.alertId, record.event, toNotificationPayload(record, textOf(record)));
    else if (ofCheck[0] === record)
      push(null, 'group', groupPayload(ofCheck.map((member) => toNotificationPayload(member, textOf(member)))));
  }
  return rows;
}

const EVENTS: readonly OutboxEvent[] = ['open', 'escalate', 'deescalate', 'resolve', 'flapping', 'flapping_end', 'repeat', 'group'];

/** Stored thresholds: numbers and texts only (anything else was not written by monitor). */
function paramsOf(value: unknown): Record<string, number | string> {
  const params: Record<string, number | string> = {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return params;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if ((typeof item === 'number' && Number.isFinite(item)) || typeof item === 'string') params[key] = item;
  }
  return params;
}

/**
 * The stored payload as a NotificationPayload, or null when it is not one (a row written by another
 * version, or edited by hand). Only the fields every channel relies on are required; the rest are
 * normalised to null so a renderer never meets `undefined`.
 */
export function parseNotificationPayload(stored: Record<string, unknown>): NotificationPayload | null {
  const { event, host_name, check_key, message, text } = stored;
  if (typeof event !== 'string' || !(EVENTS as readonly string[]).includes(event)) return null;
  if (typeof host_name !== 'string' || typeof check_key !== 'string') return null;
  if (typeof message !== 'string' || typeof text !== 'string') return null;
  return {
    event: event as OutboxEvent,
    alert_id: numberOrNull(stored.alert_id),
    host_name,
    check_key,
    check_name: typeof stored.check_name === 'string' ? stored.check_name : check_key,
    severity: stored.severity === 'warning' || stored.severity === 'critical' ? stored.severity : null,
    status: stored.status === 'open' || stored.status === 'resolved' ? stored.status : null,
    message,
    value: numberOrNull(stored.value),
    params: paramsOf(stored.params),
    triggered_at: typeof stored.triggered_at === 'string' ? stored.triggered_at : null,
    resolved_at: typeof stored.resolved_at === 'string' ? stored.resolved_at : null,
    ...(typeof stored.reopened_at === 'string' ? { reopened_at: stored.reopened_at } : {}),
    ...(typeof stored.open_for_seconds === 'number' ? { open_for_seconds: stored.open_for_seconds } : {}),
    text,
    ...groupFields(stored),
  };
}

/** A group's extra fields, when the row is one; its members were built by this program, so kept as stored. */
function groupFields(stored: Record<string, unknown>): Pick<NotificationPayload, 'count' | 'hosts' | 'transitions'> {
  if (stored.event !== 'group' || typeof stored.count !== 'number' || !Array.isArray(stored.hosts) || !Array.isArray(stored.transitions))
    return {};
  return {
    count: stored.count,
    hosts: stored.hosts.filter((host): host is string => typeof host === 'string'),
    transitions: stored.transitions.flatMap((member) => {
      const parsed = typeof member === 'object' && member !== null ? parseNotificationPayload(member as Record<string, unknown>) : null;
      return parsed ? [parsed] : [];
    }),
  };
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
