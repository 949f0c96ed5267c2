// The alert state machine, per host and check. Pure: a result, what was remembered and the open
// alert record in; the new state and the transitions to write out. The open alert RECORD decides
// what to do (another run may have resolved it); the remembered state only decides who is told.
//
// The promise: every alert whose opening was announced gets exactly one announced close, whatever
// happens in between (flapping, acknowledgement); an alert nobody heard of ends as quietly.
//
// Rules of quiet (recorded, not announced), in the order they apply:
//   a resolve    — announced exactly when the alert's opening was (flapping or acknowledged or not);
//   flapping     — while flapping nothing else but the FLAPPING / flapping-ended notices is announced;
//   cooldown     — an alert re-opened within the check type's cooldown after a resolve: announced
//                  late, when the cooldown is over and it is still open ("re-opened at T");
//   acknowledged — severity changes and repeats of an acknowledged alert;
//   opened_quietly — the end (or easing) of an alert whose opening nobody heard of.
// An announced, unacknowledged alert that stays open is announced again every `repeatMs`.

import type { CheckStatus, CheckState, Severity } from '../store/types.js';
import { historyLetter, isFlapping } from './flap.js';
import type { AlertAction, EvaluationInput, EvaluationOutcome, QuietReason, Transition } from './types.js';

export function evaluate(input: EvaluationInput): EvaluationOutcome {
  const { result, openAlert, now } = input;
  const previous = input.previous ?? freshState(input);
  const letter = historyLetter(result.status);

  // No data neither opens nor resolves, and is not a state change for flap detection.
  if (letter === null) {
    return {
      state: { ...previous, status: 'unknown', since: sinceFor(previous, 'unknown', now), evaluatedAt: now },
      transitions: [],
      peak: null,
    };
  }

  const history = (previous.history.replace(/[^owc]/g, '') + letter).slice(-input.flap.window);
  const flapping = isFlapping(history, previous.flapping, input.flap).flapping;
  const flappingStarted = flapping && !previous.flapping;
  const flappingEnded = !flapping && previous.flapping;

  const action = alertAction(input);
  let openNotified = openAlert ? previous.openNotified : false;
  let lastNotifiedAt = openAlert ? (previous.lastNotifiedAt ?? null) : null;
  let lastResolvedAt = previous.lastResolvedAt;
  const transitions: Transition[] = [];
  const openAfter = action?.kind !== 'resolve' && (openAlert !== null || action?.kind === 'open');

  if (action) {
    const quietReason = quietReasonFor(action, input, previous, flapping, openNotified);
    const notify = quietReason === null;
    transitions.push({ event: eventOf(action, openAlert?.severity ?? null), action, notify, quietReason });
    if (action.kind === 'open') openNotified = notify;
    else if (action.kind === 'resolve') {
      openNotified = false;
      lastResolvedAt = now;
    } else if (notify) openNotified = true; // people now know the alert exists
    if (action.kind === 'resolve') lastNotifiedAt = null;
    else if (notify) lastNotifiedAt = now;
  }

  if (flappingStarted) transitions.push({ event: 'flapping', action: null, notify: true, quietReason: null });
  if (flappingEnded) {
    transitions.push({ event: 'flapping_end', action: null, notify: true, quietReason: null });
    // The notice carries the current state, so an alert open now was announced by it.
    if (openAfter) {
      openNotified = true;
      lastNotifiedAt = now;
    }
  }

  // An alert opened quietly inside its cooldown, still open when the cooldown is over: announce it
  // now, or nobody would ever hear of it while it lasts (nor of its end). (A quiet opening while
  // flapping is announced by the flapping-ended notice instead.)
  if (
    openAlert &&
    openAfter &&
    action?.kind !== 'open' &&
    !openNotified &&
    !flapping &&
    !openAlert.acknowledged &&
    reopenedInCooldown(input, previous) &&
    !inCooldown(input, previous)
  ) {
    transitions.push({
      event: 'open',
      action: null,
      notify: true,
      quietReason: null,
      ...(openAlert.triggeredAt ? { reopenedAt: openAlert.triggeredAt } : {}),
    });
    openNotified = true;
    lastNotifiedAt = now;
  }

  // Repeats: an announced alert nobody acknowledged, still firing, with nothing else said this run.
  const repeatMs = input.check.repeatMs ?? 0;
  if (
    openAlert &&
    openAfter &&
    repeatMs > 0 &&
    openNotified &&
    !flapping &&
    !openAlert.acknowledged &&
    !transitions.some((t) => t.notify)
  ) {
    const since = lastNotifiedAt ?? openAlert.triggeredAt ?? null;
    if (since !== null && now.getTime() - since.getTime() >= repeatMs) {
      const openForMs = openAlert.triggeredAt ? now.getTime() - openAlert.triggeredAt.getTime() : now.getTime() - since.getTime();
      transitions.push({ event: 'repeat', action: null, notify: true, quietReason: null, openForMs });
      lastNotifiedAt = now;
    }
  }

  // The worst value while open: a severity change carries it (the store cannot tell which way is
  // worse), otherwise a new worst is written on its own.
  let peak: EvaluationOutcome['peak'] = null;
  if (openAlert && openAfter && openAlert.peakValue !== undefined) {
    const worse = result.value !== null && isWorse(result.value, openAlert.peakValue, input.check.lowerIsWorse ?? false);
    if (action?.kind === 'change_severity') action.peakValue = worse ? result.value : openAlert.peakValue;
    else if (worse) peak = { alertId: openAlert.alertId, peakValue: result.value! };
  }

  const state: CheckState = {
    hostId: input.check.hostId,
    checkId: input.check.checkId,
    status: result.status,
    since: sinceFor(previous, result.status, now),
    history,
    flapping,
    evaluatedAt: now,
    lastResolvedAt,
    openNotified,
    lastNotifiedAt,
  };
  return { state, transitions, peak };
}

/** Whether the open alert is one that re-opened within the cooldown after the last resolve. */
function reopenedInCooldown(input: EvaluationInput, previous: CheckState): boolean {
  const triggeredAt = input.openAlert?.triggeredAt;
  const resolvedAt = previous.lastResolvedAt;
  if (!triggeredAt || resolvedAt === null) return false;
  const gap = triggeredAt.getTime() - resolvedAt.getTime();
  return gap >= 0 && gap < input.check.cooldownMs;
}

function inCooldown(input: EvaluationInput, previous: CheckState): boolean {
  const resolvedAt = previous.lastResolvedAt;
  return resolvedAt !== null && input.now.getTime() - resolvedAt.getTime() < input.check.cooldownMs;
}

/** Whether `value` is worse than the peak so far (none yet: any value is). */
export function isWorse(value: number, peak: number | null, lowerIsWorse: boolean): boolean {
  if (peak === null) return true;
  return lowerIsWorse ? value < peak : value > peak;
}

function alertAction({ result, openAlert }: EvaluationInput): AlertAction | null {
  const { message, value } = result;
  if (result.status === 'ok') return openAlert ? { kind: 'resolve', alertId: openAlert.alertId, message, value } : null;
  const severity = result.status as Severity;
  if (!openAlert) return { kind: 'open', severity, message, value };
  if (openAlert.severity !== severity) return { kind: 'change_severity', alertId: openAlert.alertId, severity, message, value };
  return null;
}

function quietReasonFor(
  action: AlertAction,
  input: EvaluationInput,
  previous: CheckState,
  flapping: boolean,
  openNotified: boolean,
): QuietReason | null {
  // Every announced opening gets its announced close, flapping or acknowledged or not.
  if (action.kind === 'resolve') return openNotified ? null : flapping ? 'flapping' : 'opened_quietly';
  if (flapping) return 'flapping';
  switch (action.kind) {
    case 'open':
      return inCooldown(input, previous) ? 'cooldown' : null;
    case 'change_severity':
      if (input.openAlert?.acknowledged) return 'acknowledged';
      // Escalating a quietly opened alert is news (it got worse); easing one nobody heard of is not.
      return openNotified || action.severity === 'critical' ? null : 'opened_quietly';
  }
}

function eventOf(action: AlertAction, openSeverity: Severity | null): Transition['event'] {
  if (action.kind === 'open') return 'open';
  if (action.kind === 'resolve') return 'resolve';
  return action.severity === 'critical' && openSeverity === 'warning' ? 'escalate' : 'deescalate';
}

function sinceFor(previous: CheckState, status: CheckStatus, now: Date): Date {
  return previous.status === status ? previous.since : now;
}

/**
 * The state of a check never evaluated before. If an alert is already open (the state row was
 * lost, or it was opened elsewhere), assume it was announced: a duplicate "resolved" is better
 * than a lost one.
 */
function freshState(input: EvaluationInput): CheckState {
  return {
    hostId: input.check.hostId,
    checkId: input.check.checkId,
    status: input.openAlert ? input.openAlert.severity : 'ok',
    since: input.now,
    history: '',
    flapping: false,
    evaluatedAt: input.now,
    lastResolvedAt: null,
    openNotified: input.openAlert !== null,
    lastNotifiedAt: null,
  };
}
