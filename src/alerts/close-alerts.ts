// Closing open alerts outside an evaluation: their check was disabled (`checks assign --disable`, or
// removed from the config, through sync), or a person closed one (`monitor alerts close`). Each is
// resolved like any other alert, in the caller's transaction, with its outbox rows: announced when
// its opening was (the state row says; without one, assume it was — a duplicate "resolved" beats a
// lost one), so every announced open still gets exactly one announced close.

import { ConflictError, NotFoundError, UsageError } from '../errors.js';
import { outboxRows } from '../notify/payload.js';
import { formatLocalTime } from '../output/time-format.js';
import type { Store } from '../store/store.js';
import type { Alert, CheckState } from '../store/types.js';
import { formatTransitionLine } from './lines.js';
import type { TransitionRecord } from './types.js';
import { withTransactionRetry } from '../store/retry.js';

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
  /** alerting.group_threshold: more closes of one check than this go out as one grouped message. */
  groupThreshold?: number;
}

/** Resolves these alerts (those still open) and queues their announcements; returns what was closed. */
export async function closeAlerts(
  tx: Store,
  alerts: readonly Alert[],
  reason: CloseReason,
  options: CloseOptions,
): Promise<TransitionRecord[]> {
  if (alerts.length === 0) return [];
  const { now } = options;
  const states = new Map<string, CheckState>();
  for (const state of await tx.loadCheckStates()) states.set(`${state.hostId}:${state.checkId}`, state);
  const records: TransitionRecord[] = [];
  const changedStates: CheckState[] = [];
  const resolveMessage = closeMessage(reason);
  // Set-based: a config edit that disables a check on every host closes them in a few statements.
  const resolved = await tx.resolveAlerts(
    alerts.map((alert) => ({ alertId: alert.alertId, resolvedAt: now, resolveMessage, value: null })),
  );
  for (const [index, alert] of alerts.entries()) {
    if (!resolved[index]) continue; // closed meanwhile
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
  const outbox = outboxRows(records, options.channels, formatTransitionLine, now, options.groupThreshold);
  if (outbox.length > 0) await tx.enqueueNotifications(outbox);
  return records;
}

/** Longest reason a person may give when closing by hand. */
export const MAX_CLOSE_REASON = 500;

/** A hand-typed reason, whitespace folded; null when none was given. Empty or too long: UsageError. */
export function closeReasonText(text: string | undefined | null, label = '--reason'): string | null {
  if (text === undefined || text === null) return null;
  const reason = text.replace(/\s+/g, ' ').trim();
  if (reason === '') throw new UsageError(`${label} is empty`, { hint: `say why, or leave ${label} out` });
  if (reason.length > MAX_CLOSE_REASON) throw new UsageError(`${label} is longer than ${MAX_CLOSE_REASON} characters`);
  return reason;
}

/**
 * Closes one open alert by hand ("closed by hand: REASON") in its own transaction: what
 * `monitor alerts close` and the dashboard's Close button both do, so both are announced alike.
 * NotFoundError when there is no such alert, ConflictError when it is already resolved.
 */
export async function closeAlertByHand(
  store: Store,
  alertId: number,
  reason: string | null,
  options: CloseOptions & { timeZone?: string | undefined },
): Promise<{ alert: Alert; record: TransitionRecord }> {
  return withTransactionRetry(
    store,
    async (tx) => {
      const found = await tx.getAlert(alertId);
      if (!found) throw new NotFoundError(`alert #${alertId} does not exist`, { hint: 'see `monitor alerts list --status all`' });
      if (found.status !== 'open') {
        const when = found.resolvedAt ? ` at ${formatLocalTime(found.resolvedAt, options.timeZone)}` : '';
        throw new ConflictError(`alert #${alertId} is already resolved${when}`, {
          hint: 'only open alerts can be closed; see `monitor alerts list --status open`',
        });
      }
      const [record] = await closeAlerts(tx, [found], { kind: 'by_hand', text: reason }, options);
      if (!record) throw new ConflictError(`alert #${alertId} was resolved meanwhile`);
      return { alert: (await tx.getAlert(alertId))!, record };
    },
    undefined,
    { immediate: true },
  );
}
