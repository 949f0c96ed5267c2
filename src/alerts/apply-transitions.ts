// Writes one run's transitions, changed states and outbox rows in one transaction. The one-open-alert
// unique key is the real guard against a concurrent evaluator: a duplicate-key error means "already
// opened by someone else", so that check's transition (and state) is dropped and nobody hears twice.

import { DuplicateOpenAlertError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { CheckState, NewNotification } from '../store/types.js';
import type { CheckEvaluation } from './evaluate-all.js';
import type { TransitionRecord } from './types.js';

export interface AppliedTransitions {
  records: TransitionRecord[];
  /** Transitions another evaluator had already made. */
  conflicts: number;
}

export async function applyEvaluations(
  tx: Store,
  evaluations: CheckEvaluation[],
  options: {
    now: Date;
    notifications: (records: TransitionRecord[]) => NewNotification[];
    /** Stored states that became plain on their own (evaluateAll's `forget`). */
    forget?: { hostId: number; checkId: number }[];
  },
): Promise<AppliedTransitions> {
  const { now } = options;
  const records: TransitionRecord[] = [];
  const states: CheckState[] = [];
  const forget = [...(options.forget ?? [])];
  let conflicts = 0;

  for (const evaluation of evaluations) {
    if (evaluation.outcome.transitions.length > 0) {
      const applied = await applyOne(tx, evaluation, now);
      if (applied === null) {
        conflicts += 1;
        continue;
      }
      records.push(...applied);
    }
    if (evaluation.stateChanged) states.push(evaluation.outcome.state);
    if (evaluation.forgetState) forget.push({ hostId: evaluation.check.host.hostId, checkId: evaluation.check.type.checkId });
  }
  if (states.length > 0) await tx.saveCheckStates(states);
  if (forget.length > 0) await tx.deleteCheckStates(forget);
  const outbox = options.notifications(records);
  if (outbox.length > 0) await tx.enqueueNotifications(outbox);
  return { records, conflicts };
}

/** The records of one check's transitions, or null when another evaluator got there first. */
async function applyOne(tx: Store, evaluation: CheckEvaluation, now: Date): Promise<TransitionRecord[] | null> {
  const { check, outcome, openAlertRecord } = evaluation;
  const records: TransitionRecord[] = [];
  let alertId = openAlertRecord?.alertId ?? null;
  let severity = openAlertRecord?.severity ?? null;
  let status: TransitionRecord['status'] = openAlertRecord ? 'open' : null;
  let triggeredAt = openAlertRecord?.triggeredAt ?? null;
  let resolvedAt: Date | null = null;

  for (const transition of outcome.transitions) {
    const action = transition.action;
    let message = evaluation.result.message;
    if (action?.kind === 'open') {
      try {
        alertId = await tx.openAlert({
          hostId: check.host.hostId,
          checkId: check.type.checkId,
          severity: action.severity,
          triggeredAt: now,
          message: action.message,
          value: action.value,
        });
      } catch (error) {
        if (error instanceof DuplicateOpenAlertError) return null;
        throw error;
      }
      [severity, status, triggeredAt, message] = [action.severity, 'open', now, action.message];
    } else if (action?.kind === 'change_severity') {
      await tx.updateAlertSeverity(action.alertId, { severity: action.severity, message: action.message, value: action.value });
      [severity, message] = [action.severity, action.message];
    } else if (action?.kind === 'resolve') {
      if (!(await tx.resolveAlert(action.alertId, { resolvedAt: now, resolveMessage: action.message, value: action.value }))) return null;
      [status, resolvedAt, message] = ['resolved', now, action.message];
    }
    records.push({
      event: transition.event,
      alertId,
      hostName: check.host.hostName,
      checkKey: check.type.checkKey,
      checkName: check.type.checkName,
      severity,
      status,
      message,
      value: action?.value ?? evaluation.result.value,
      at: now,
      triggeredAt,
      resolvedAt,
      notify: transition.notify,
      quietReason: transition.quietReason,
    });
  }
  return records;
}
