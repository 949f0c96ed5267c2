// The alert state machine, per host and check. Pure: a result, what was remembered and the open
// alert record in; the new state and the transitions to write out. The open alert RECORD decides
// what to do (another run may have resolved it); the remembered state only decides who is told.
//
// Rules of quiet (recorded, not announced), in the order they apply:
//   flapping     — while flapping nothing but the FLAPPING / flapping-ended notices is announced;
//   cooldown     — an alert re-opened within the check type's cooldown after a resolve;
//   acknowledged — severity changes of an acknowledged alert (its resolve is still announced);
//   opened_quietly — the end (or easing) of an alert whose opening nobody heard of.

import type { CheckStatus, CheckState, Severity } from '../store/types.js';
import { historyLetter, isFlapping } from './flap.js';
import type { AlertAction, EvaluationInput, EvaluationOutcome, QuietReason, Transition } from './types.js';

export function evaluate(input: EvaluationInput): EvaluationOutcome {
  const { result, openAlert, now } = input;
  const previous = input.previous ?? freshState(input);
  const letter = historyLetter(result.status);

  // No data neither opens nor resolves, and is not a state change for flap detection.
  if (letter === null) {
    return { state: { ...previous, status: 'unknown', since: sinceFor(previous, 'unknown', now), evaluatedAt: now }, transitions: [] };
  }

  const history = (previous.history.replace(/[^owc]/g, '') + letter).slice(-input.flap.window);
  const flapping = isFlapping(history, previous.flapping, input.flap).flapping;
  const flappingStarted = flapping && !previous.flapping;
  const flappingEnded = !flapping && previous.flapping;

  const action = alertAction(input);
  let openNotified = openAlert ? previous.openNotified : false;
  let lastResolvedAt = previous.lastResolvedAt;
  const transitions: Transition[] = [];

  if (action) {
    const quietReason = quietReasonFor(action, input, previous, flapping, openNotified);
    const notify = quietReason === null;
    transitions.push({ event: eventOf(action, openAlert?.severity ?? null), action, notify, quietReason });
    if (action.kind === 'open') openNotified = notify;
    else if (action.kind === 'resolve') {
      openNotified = false;
      lastResolvedAt = now;
    } else if (notify) openNotified = true; // people now know the alert exists
  }

  if (flappingStarted) transitions.push({ event: 'flapping', action: null, notify: true, quietReason: null });
  if (flappingEnded) {
    transitions.push({ event: 'flapping_end', action: null, notify: true, quietReason: null });
    // The notice carries the current state, so an alert open now was announced by it.
    if (action?.kind !== 'resolve' && (openAlert || action?.kind === 'open')) openNotified = true;
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
  };
  return { state, transitions };
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
  if (flapping) return 'flapping';
  switch (action.kind) {
    case 'open': {
      const resolvedAt = previous.lastResolvedAt;
      const inCooldown = resolvedAt !== null && input.now.getTime() - resolvedAt.getTime() < input.check.cooldownMs;
      return inCooldown ? 'cooldown' : null;
    }
    case 'resolve':
      return openNotified ? null : 'opened_quietly';
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
  };
}
