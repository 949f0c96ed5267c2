// Runs every prepared check against the loaded data and feeds each result to the evaluator. Pure:
// the same inputs and `now` give the same outcomes, which is what makes `monitor check --at` a replay.

import type { CheckResult } from '../checks/types.js';
import type { Alert, CheckState, MetricSample } from '../store/types.js';
import { evaluate } from './evaluate.js';
import type { CheckProblem, PreparedCheck } from './prepare-checks.js';
import { stateKey, type CheckRunInputs } from './load-inputs.js';
import type { EvaluationOutcome, FlapSettings, OpenAlertRef } from './types.js';

export interface CheckEvaluation {
  check: PreparedCheck;
  result: CheckResult;
  previous: CheckState | null;
  openAlert: OpenAlertRef | null;
  /** The open alert record itself, for the times a resolve notification carries. */
  openAlertRecord: Alert | null;
  outcome: EvaluationOutcome;
}

export function evaluateAll(
  inputs: CheckRunInputs,
  options: { now: Date; flap: FlapSettings; sampleMaxAgeMs: number },
): { evaluations: CheckEvaluation[]; problems: CheckProblem[] } {
  const { now } = options;
  const evaluations: CheckEvaluation[] = [];
  const problems: CheckProblem[] = [...inputs.problems];

  for (const check of inputs.checks) {
    const key = stateKey(check.host.hostId, check.type.checkId);
    const open = inputs.openAlerts.get(key);
    const openAlert: OpenAlertRef | null = open
      ? { alertId: open.alertId, severity: open.severity, acknowledged: open.acknowledgedAt !== null }
      : null;
    let result: CheckResult;
    try {
      result = check.fn.evaluate({
        hostName: check.host.hostName,
        hostCreatedAt: check.host.createdAt,
        params: check.params,
        now,
        samples: samplesWithin(inputs.samples.get(check.host.hostId), now.getTime() - check.window),
        lastReportAt: inputs.lastReports.get(check.host.hostId) ?? null,
        datasets: inputs.datasets.get(check.host.hostId) ?? [],
        current: openAlert?.severity ?? 'ok',
        sampleMaxAgeMs: options.sampleMaxAgeMs,
      });
    } catch (error) {
      // A plugin that throws fails its own check, never the run.
      problems.push({ hostName: check.host.hostName, checkKey: check.type.checkKey, message: `check function '${check.fn.name}' failed: ${(error as Error).message}` });
      continue;
    }
    const previous = inputs.states.get(key) ?? null;
    const outcome = evaluate({
      check: {
        hostId: check.host.hostId,
        hostName: check.host.hostName,
        checkId: check.type.checkId,
        checkKey: check.type.checkKey,
        checkName: check.type.checkName,
        cooldownMs: check.type.cooldownSeconds * 1000,
      },
      result,
      previous,
      openAlert,
      now,
      flap: options.flap,
    });
    evaluations.push({ check, result, previous, openAlert, openAlertRecord: open ?? null, outcome });
  }
  return { evaluations, problems };
}

/** The samples after `fromMs` (a sorted array, so binary search, no copying of the rest). */
function samplesWithin(samples: MetricSample[] | undefined, fromMs: number): MetricSample[] {
  if (!samples || samples.length === 0) return [];
  let low = 0;
  let high = samples.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (samples[mid]!.collectedAt.getTime() > fromMs) high = mid;
    else low = mid + 1;
  }
  return low === 0 ? samples : samples.slice(low);
}

/** Whether a state must be written: anything but the evaluation time changed. */
export function stateChanged(previous: CheckState | null, next: CheckState): boolean {
  if (!previous) return true;
  return (
    previous.status !== next.status ||
    previous.since.getTime() !== next.since.getTime() ||
    previous.history !== next.history ||
    previous.flapping !== next.flapping ||
    (previous.lastResolvedAt?.getTime() ?? null) !== (next.lastResolvedAt?.getTime() ?? null) ||
    previous.openNotified !== next.openNotified
  );
}
