// Writes one run's transitions, changed states and outbox rows in one transaction. The one-open-alert
// unique key is the real guard against a concurrent evaluator: a duplicate-key error means "already
// opened by someone else", so that check's transition (and state) is dropped and nobody hears twice.
// The alert writes are set-based (writeInBulk): a storm of 10,000 transitions is a few statements.
// A person's close (`monitor alerts close`, the dashboard) takes no lease and may land between the
// run's load and this write: such evaluations are dropped whole (withoutClosedMeanwhile).

import { DuplicateOpenAlertError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { AlertResolve, AlertSeverityChange, CheckState, NewAlert, NewNotification } from '../store/types.js';
import type { CheckEvaluation } from './evaluate-all.js';
import type { AlertAction, TransitionRecord } from './types.js';
import { formatDuration } from '../time/duration.js';
import { thresholdParams } from './threshold-params.js';

export interface AppliedTransitions {
  records: TransitionRecord[];
  /**
   * Host checks changed under this run, left unwritten: another evaluator had already made the
   * transition, or the open alert they were evaluated with was closed (or resolved) meanwhile.
   */
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
  const current = await withoutClosedMeanwhile(tx, evaluations);
  let conflicts = evaluations.length - current.length;

  const written = await writeInBulk(tx, current, now);
  for (const evaluation of current) {
    if (evaluation.outcome.transitions.length > 0) {
      const applied = await transitionRecords(evaluation, now, written.get(evaluation) ?? storeWrites(tx, evaluation, now));
      if (applied === null) {
        conflicts += 1;
        continue;
      }
      records.push(...applied);
    }
    if (evaluation.stateChanged) states.push(evaluation.outcome.state);
    if (evaluation.forgetState) forget.push({ hostId: evaluation.check.host.hostId, checkId: evaluation.check.type.checkId });
  }
  // New worst values of open alerts that changed nothing else (peak_value).
  const peaks = evaluations.flatMap((evaluation) => (evaluation.outcome.peak ? [evaluation.outcome.peak] : []));
  if (peaks.length > 0) await tx.updateAlertPeaks(peaks);
  if (states.length > 0) await tx.saveCheckStates(states);
  if (forget.length > 0) await tx.deleteCheckStates(forget);
  const outbox = options.notifications(records);
  if (outbox.length > 0) await tx.enqueueNotifications(outbox);
  return { records, conflicts };
}

/**
 * The evaluations still current: those made about an open alert that has been closed since the run
 * loaded it (by hand, or a check disabled) are dropped whole — no repeat, escalation or flapping
 * notice about a closed alert, no peak, and no state over the one the close wrote (its
 * lastResolvedAt starts the cooldown; its openNotified says nothing open was announced). The next
 * run evaluates that host check from the fresh state.
 *
 * Why a guard here rather than closes taking the check lease: a close must not wait for (or fail
 * on) a long run, and every run already holds this transaction. One locking read of the referenced
 * alerts (a few statements whatever the number of hosts) sees closes committed before it, even
 * through MySQL's snapshot, and makes a later close wait for this commit, then write its state over
 * ours. On SQLite both are write transactions (BEGIN IMMEDIATE): one runs wholly before the other.
 * On Galera row locks stay on their node; a close on another node changes the alert row and its
 * check_state row, which this run also writes for any repeat, escalation or flapping notice, so one
 * of the two fails certification and is run again (withTransactionRetry), this read then seeing it.
 */
async function withoutClosedMeanwhile(tx: Store, evaluations: CheckEvaluation[]): Promise<CheckEvaluation[]> {
  const referenced = evaluations.flatMap((evaluation) => (evaluation.openAlertRecord ? [evaluation.openAlertRecord.alertId] : []));
  if (referenced.length === 0) return evaluations;
  const open = await tx.lockOpenAlerts(referenced);
  return evaluations.filter((evaluation) => !evaluation.openAlertRecord || open.has(evaluation.openAlertRecord.alertId));
}

/**
 * What recording a check's alert actions takes: the real run writes to the store, the dry run
 * (run-check.ts) only pretends. `open` returns the new alert's id (null when none is assigned, as in
 * a dry run), or 'taken' when another evaluator opened it first; `resolve` returns false when
 * another evaluator resolved it first.
 */
export interface AlertWrites {
  open(action: Extract<AlertAction, { kind: 'open' }>): Promise<{ alertId: number | null } | 'taken'>;
  changeSeverity(action: Extract<AlertAction, { kind: 'change_severity' }>): Promise<void>;
  resolve(action: Extract<AlertAction, { kind: 'resolve' }>): Promise<boolean>;
}

type OpenAction = Extract<AlertAction, { kind: 'open' }>;
type SeverityAction = Extract<AlertAction, { kind: 'change_severity' }>;
type ResolveAction = Extract<AlertAction, { kind: 'resolve' }>;

// What each action writes, for the one-at-a-time and the set-based path alike.
const newAlertOf = (evaluation: CheckEvaluation, action: OpenAction, now: Date): NewAlert => ({
  hostId: evaluation.check.host.hostId,
  checkId: evaluation.check.type.checkId,
  severity: action.severity,
  triggeredAt: now,
  message: action.message,
  value: action.value,
});
const severityChangeOf = (action: SeverityAction): AlertSeverityChange => ({
  alertId: action.alertId,
  severity: action.severity,
  message: action.message,
  value: action.value,
  ...(action.peakValue !== undefined ? { peakValue: action.peakValue } : {}),
});
const resolveOf = (action: ResolveAction, now: Date): AlertResolve => ({
  alertId: action.alertId,
  resolvedAt: now,
  resolveMessage: action.message,
  value: action.value,
});

/** One statement per action: for a check whose transitions make more than one alert write. */
function storeWrites(tx: Store, evaluation: CheckEvaluation, now: Date): AlertWrites {
  return {
    async open(action) {
      try {
        return { alertId: await tx.openAlert(newAlertOf(evaluation, action, now)) };
      } catch (error) {
        if (error instanceof DuplicateOpenAlertError) return 'taken';
        throw error;
      }
    },
    changeSeverity: (action) => {
      const { alertId, ...update } = severityChangeOf(action);
      return tx.updateAlertSeverity(alertId, update);
    },
    resolve: (action) => {
      const { alertId, ...update } = resolveOf(action, now);
      return tx.resolveAlert(alertId, update);
    },
  };
}

/**
 * Writes the alert action of every check that has exactly one (nearly all: an open, a severity
 * change or a resolve, perhaps beside a flapping notice) with set-based statements, up front; the
 * writes returned per check hand those results to transitionRecords, which builds the records as
 * the one-at-a-time path would.
 */
async function writeInBulk(tx: Store, evaluations: readonly CheckEvaluation[], now: Date): Promise<Map<CheckEvaluation, AlertWrites>> {
  const opens: { evaluation: CheckEvaluation; action: OpenAction }[] = [];
  const changes: SeverityAction[] = [];
  const resolves: { evaluation: CheckEvaluation; action: ResolveAction }[] = [];
  const written = new Map<CheckEvaluation, AlertWrites>();
  for (const evaluation of evaluations) {
    const actions = evaluation.outcome.transitions.flatMap((transition) => (transition.action ? [transition.action] : []));
    if (actions.length !== 1) continue;
    const action = actions[0]!;
    if (action.kind === 'open') opens.push({ evaluation, action });
    else if (action.kind === 'change_severity') {
      changes.push(action);
      written.set(evaluation, replayedWrites({}));
    } else resolves.push({ evaluation, action });
  }
  const opened = await tx.openAlerts(opens.map(({ evaluation, action }) => newAlertOf(evaluation, action, now)));
  opens.forEach(({ evaluation }, i) => {
    const alertId = opened[i] ?? null;
    written.set(evaluation, replayedWrites({ open: alertId === null ? 'taken' : { alertId } }));
  });
  await tx.updateAlertSeverities(changes.map(severityChangeOf));
  const resolved = await tx.resolveAlerts(resolves.map(({ action }) => resolveOf(action, now)));
  resolves.forEach(({ evaluation }, i) => written.set(evaluation, replayedWrites({ resolve: resolved[i] ?? false })));
  return written;
}

/** AlertWrites that report what writeInBulk already wrote. */
function replayedWrites(result: { open?: { alertId: number } | 'taken'; resolve?: boolean }): AlertWrites {
  return {
    open: () => Promise.resolve(result.open ?? 'taken'),
    changeSeverity: () => Promise.resolve(undefined),
    resolve: () => Promise.resolve(result.resolve ?? false),
  };
}

/**
 * The records of one check's transitions, in order, carrying the alert along (a resolve followed by
 * "flapping ended" shows the alert resolved); null when another evaluator got there first.
 */
export async function transitionRecords(evaluation: CheckEvaluation, now: Date, writes: AlertWrites): Promise<TransitionRecord[] | null> {
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
      const opened = await writes.open(action);
      if (opened === 'taken') return null;
      [alertId, severity, status, triggeredAt, message] = [opened.alertId, action.severity, 'open', now, action.message];
    } else if (action?.kind === 'change_severity') {
      await writes.changeSeverity(action);
      [severity, message] = [action.severity, action.message];
    } else if (action?.kind === 'resolve') {
      if (!(await writes.resolve(action))) return null;
      [status, resolvedAt, message] = ['resolved', now, action.message];
    } else if (transition.event === 'repeat' && transition.openForMs !== undefined) {
      message = `${message} (still ${severity ?? 'open'} for ${formatDuration(transition.openForMs).replace(' ', '')})`;
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
      params: thresholdParams(check.fn, check.params),
      reopenedAt: transition.reopenedAt ?? null,
      openForMs: transition.openForMs ?? null,
    });
  }
  return records;
}
