// Closing open alerts outside an evaluation: their check was disabled (`checks assign --disable`, or
// removed from the config, through sync), or a person closed one (`monitor alerts close`). Each is
// resolved like any other alert, in the caller's transaction, with its outbox rows: announced when
// its opening was (the state row says; without one, assume it was — a duplicate "resolved" beats a
// lost one), so every announced open still gets exactly one announced close.

import { outboxRows } from '../notify/payload.js';
import type { Store } from '../store/store.js';
import type { Alert, CheckState } from '../store/types.js';
import { formatTransitionLine } from './lines.js';
import type { TransitionRecord } from './types.js';

export type CloseReason = { kind: 'check_disabled' } | { kind: 'by_hand'; text: string | null };

/** resolve_message: "check disabled", "closed by hand" or "closed by hand: REASON". */
export function closeMessage(reason: CloseReason): string {
  if (reason.kind === 'check_disabled') return 'check disabled';
  return reason.text ? `closed by hand: ${reason.text}` : 'closed by hand';
}

export interface CloseOptions {
  now: Date;
  /** Outbox channels (channelsFor of the configured notifiers). */
  channels: readonly string[];
}

/** Resolves these alerts (those still open) and queues their announcements; returns what was closed. */
export async function closeAlerts(tx: Store, alerts: readonly Alert[], reason: CloseReason, options: CloseOptions): Promise<TransitionRecord[]> {
  if (alerts.length === 0) return [];
  const { now } = options;
  const states = new Map<string, CheckState>();
  for (const state of await tx.loadCheckStates()) states.set(`${state.hostId}:${state.checkId}`, state);
  const records: TransitionRecord[] = [];
  const changedStates: CheckState[] = [];
  const resolveMessage = closeMessage(reason);
  for (const alert of alerts) {
    if (!(await tx.resolveAlert(alert.alertId, { resolvedAt: now, resolveMessage, value: null }))) continue; // closed meanwhile
    const state = states.get(`${alert.hostId}:${alert.checkId}`);
    const announced = state?.openNotified ?? true;
    // Cooldown counts from here, as after any resolve; the state forgets the closed alert.
    if (state) changedStates.push({ ...state, openNotified: false, lastNotifiedAt: null, lastResolvedAt: now });
    records.push({
      event: 'resolve',
      alertId: alert.alertId,
      hostName: alert.hostName,
      checkKey: alert.checkKey,
      checkName: alert.checkName,
      severity: alert.severity,
      status: 'resolved',
      message: `Host '${alert.hostName}' ${resolveMessage}`,
      value: null,
      at: now,
      triggeredAt: alert.triggeredAt,
      resolvedAt: now,
      notify: announced,
      quietReason: announced ? null : 'opened_quietly',
    });
  }
  if (changedStates.length > 0) await tx.saveCheckStates(changedStates);
  const outbox = outboxRows(records, options.channels, formatTransitionLine, now);
  if (outbox.length > 0) await tx.enqueueNotifications(outbox);
  return records;
}
