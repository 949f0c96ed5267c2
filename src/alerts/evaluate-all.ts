// Runs every prepared check against the loaded data and feeds each result to the evaluator. Pure:
// the same inputs and `now` give the same outcomes, which is what makes `monitor check --at` a replay.

import type { CheckResult } from '../checks/types.js';
import type { MetricWindow } from '../checks/metric-window.js';
import type { Alert, CheckState, DatasetReport, MetricSample } from '../store/types.js';
import { evaluate, isWorse } from './evaluate.js';
import { historyLetter } from './flap.js';
import { isPlainState, plainState } from './plain-state.js';
import { samplesRead, type CheckProblem, type PreparedCheck } from './prepare-checks.js';
import type { CheckRunInputs } from './load-inputs.js';
import type { EvaluationOutcome, FlapSettings, OpenAlertRef } from './types.js';

export interface CheckEvaluation {
  check: PreparedCheck;
  result: CheckResult;
  previous: CheckState | null;
  openAlert: OpenAlertRef | null;
  /** The open alert record itself, for the times a resolve notification carries. */
  openAlertRecord: Alert | null;
  outcome: EvaluationOutcome;
  /** Whether outcome.state must be written: it differs from `previous` and is not plain. */
  stateChanged: boolean;
  /** Whether a stored row must go: the new state is plain (see plain-state.ts). */
  forgetState: boolean;
}

export interface EvaluationRun {
  /** Host checks whose function ran (problems not counted). */
  evaluated: number;
  /** Only the evaluations with something to write or announce: a transition or a changed state. */
  changed: CheckEvaluation[];
  /** Stored states that became plain without anything else happening: their rows go. */
  forget: { hostId: number; checkId: number }[];
  problems: CheckProblem[];
}

const NO_DATASETS: readonly DatasetReport[] = Object.freeze([]);
/** Stands for every host check's plain state until one is needed with its ids (never written). */
const PLAIN: CheckState = plainState(0, 0);
const NO_SAMPLES = Object.freeze([]) as unknown as MetricSample[];

export interface EvaluateAllOptions {
  now: Date;
  flap: FlapSettings;
  sampleMaxAgeMs: number;
  /** Repeat interval of a check type's open alerts (0: no repeats); absent: no repeats at all. */
  repeatMsFor?: (checkKey: string) => number;
}

export function evaluateAll(inputs: CheckRunInputs, options: EvaluateAllOptions): EvaluationRun {
  const { now, flap } = options;
  const nowMs = now.getTime();
  const changed: CheckEvaluation[] = [];
  const forget: { hostId: number; checkId: number }[] = [];
  const problems: CheckProblem[] = [...inputs.problems];
  let evaluated = 0;
  // Per check type, not per host check: 40,000 lookups of a handful of keys.
  const repeatMs = new Map<string, number>();
  const repeatMsOf = (checkKey: string): number => {
    let ms = repeatMs.get(checkKey);
    if (ms === undefined) repeatMs.set(checkKey, (ms = options.repeatMsFor?.(checkKey) ?? 0));
    return ms;
  };

  const run = (check: PreparedCheck, openAlert: OpenAlertRef | null): CheckResult | null => {
    const { hostId } = check.host;
    const summary = summaryRead(check, inputs);
    const samples = summary === undefined ? samplesReadBy(check, inputs, nowMs) : NO_SAMPLES;
    try {
      return check.fn.evaluate({
        hostName: check.host.hostName,
        hostCreatedAt: check.host.createdAt,
        params: check.params,
        now,
        samples,
        summary,
        lastReportAt: inputs.lastReports.get(hostId) ?? null,
        datasets: (inputs.datasets.get(hostId) ?? NO_DATASETS) as DatasetReport[],
        current: openAlert?.severity ?? 'ok',
        sampleMaxAgeMs: options.sampleMaxAgeMs,
      });
    } catch (error) {
      // A plugin that throws fails its own check, never the run.
      problems.push({
        hostName: check.host.hostName,
        checkKey: check.type.checkKey,
        message: `check function '${check.fn.name}' failed: ${(error as Error).message}`,
      });
      return null;
    }
  };
  // Most host checks have no open alert: nothing is built for them.
  const openAlertOf = (check: PreparedCheck): Alert | null => inputs.openAlerts.get(check.host.hostId)?.get(check.type.checkId) ?? null;
  const refOf = (record: Alert | null): OpenAlertRef | null =>
    record
      ? {
          alertId: record.alertId,
          severity: record.severity,
          acknowledged: record.acknowledgedAt !== null,
          triggeredAt: record.triggeredAt,
          peakValue: record.peakValue,
        }
      : null;

  // Dependencies, as Zabbix and Icinga have them: while a host's liveness check (one that declares
  // hostLiveness: host_silent, or a plugin's) fires, its other checks are unknown (they would judge
  // the last, stale samples), so they open, escalate and resolve nothing.
  // By the check's index: no map keyed by 10,000 check objects.
  const livenessResults = new Array<CheckResult | null>(inputs.checks.length);
  const silentHosts = new Set<number>();
  for (let i = 0; i < inputs.checks.length; i++) {
    const check = inputs.checks[i]!;
    if (check.fn.hostLiveness === undefined) continue;
    const result = run(check, refOf(openAlertOf(check)));
    livenessResults[i] = result;
    if (result !== null && (result.status === 'warning' || result.status === 'critical')) silentHosts.add(check.host.hostId);
  }

  for (let i = 0; i < inputs.checks.length; i++) {
    const check = inputs.checks[i]!;
    const { hostId } = check.host;
    const { checkId } = check.type;
    const open = openAlertOf(check);
    const openAlert = refOf(open);
    let result: CheckResult | null;
    if (check.fn.hostLiveness !== undefined) result = livenessResults[i] ?? null;
    else if (silentHosts.has(hostId)) result = silencedResult(check);
    else result = run(check, openAlert);
    if (result === null) continue;
    evaluated += 1;
    const stored = inputs.states.get(hostId)?.get(checkId) ?? null;
    // No row means a plain OK state — unless an alert is open (an open alert always leaves a row, so
    // the row was lost): then the evaluator's fresh state applies, which assumes the opening was
    // announced, so the resolve is announced too (a duplicate resolve beats a lost one).
    // A plain state (see plain-state.ts) is made for this host and check only when the evaluator needs it.
    let previous = stored ?? (openAlert ? null : PLAIN);
    const cooldownMs = check.type.cooldownSeconds * 1000;
    const repeatMs = repeatMsOf(check.type.checkKey);
    const lowerIsWorse = check.fn.lowerIsWorse === true;
    if (settled(previous, result, openAlert, flap, { nowMs, repeatMs, lowerIsWorse })) {
      if (stored && isPlainState(stored, cooldownMs, nowMs)) forget.push({ hostId, checkId });
      continue;
    }
    if (previous === PLAIN) previous = plainState(hostId, checkId);
    const outcome = evaluate({
      check: {
        hostId,
        hostName: check.host.hostName,
        checkId,
        checkKey: check.type.checkKey,
        checkName: check.type.checkName,
        cooldownMs,
        repeatMs,
        lowerIsWorse,
      },
      result,
      previous,
      openAlert,
      now,
      flap,
    });
    const plain = isPlainState(outcome.state, cooldownMs, nowMs);
    const writeState = !plain && stateChanged(previous, outcome.state);
    const forgetState = plain && stored !== null;
    if (outcome.transitions.length === 0 && !writeState && !forgetState && !outcome.peak) continue;
    changed.push({ check, result, previous, openAlert, openAlertRecord: open, outcome, stateChanged: writeState, forgetState });
  }
  return { evaluated, changed, forget, problems };
}

/**
 * What a check is handed of its host's samples, as it declared (CheckFunction.reads): for a summary
 * read, the window the database computed, or the samples of a host it could not summarise exactly.
 */
export function dataRead(
  check: PreparedCheck,
  inputs: Pick<CheckRunInputs, 'samples' | 'windowSpecs' | 'windowRows' | 'summarySamples'>,
  nowMs: number,
): { samples: MetricSample[]; summary: MetricWindow | null | undefined } {
  const summary = summaryRead(check, inputs);
  return { samples: summary === undefined ? samplesReadBy(check, inputs, nowMs) : NO_SAMPLES, summary };
}

/** dataRead's summary: the database's window for a summary read, undefined when the check gets samples. */
function summaryRead(check: PreparedCheck, inputs: Pick<CheckRunInputs, 'windowSpecs' | 'windowRows'>): MetricWindow | null | undefined {
  const index = inputs.windowSpecs.get(check.reads);
  if (index === undefined) return undefined;
  const window = inputs.windowRows.get(check.host.hostId)?.[index];
  return window === 'inexact' ? undefined : window;
}

/** dataRead's samples, for a check that gets no summary. */
function samplesReadBy(check: PreparedCheck, inputs: Pick<CheckRunInputs, 'samples' | 'summarySamples'>, nowMs: number): MetricSample[] {
  const { hostId } = check.host;
  return samplesRead(check, (check.reads.kind === 'summary' ? inputs.summarySamples : inputs.samples).get(hostId), nowMs);
}

/** The result of a check whose host is silent: unknown, saying why. */
function silencedResult(check: PreparedCheck): CheckResult {
  return {
    status: 'unknown',
    value: null,
    message: `Host '${check.host.hostName}' ${check.type.checkName} unknown: the host is silent (its host_silent check is firing)`,
  };
}

/**
 * True when the evaluator (evaluate.ts) would return no transitions and a state that stateChanged()
 * finds unchanged: the result repeats a remembered status that has been stable for the whole
 * history, nothing flaps, and the alert record agrees. Run after run, that is nearly every host
 * check, and skipping the evaluator for them saves building 40,000 outcomes at 10,000 hosts. The
 * test suite checks this against the evaluator itself; when in doubt it says false.
 */
export function settled(
  previous: CheckState | null,
  result: CheckResult,
  open: OpenAlertRef | null,
  flap: FlapSettings,
  extra: { nowMs: number; repeatMs: number; lowerIsWorse: boolean } = { nowMs: 0, repeatMs: 0, lowerIsWorse: false },
): boolean {
  if (previous === null || previous.status !== result.status) return false;
  // Unknown neither opens nor resolves and leaves the history alone.
  if (result.status === 'unknown') return true;
  // A flat history has no state changes: 0% is below any stop threshold and under any start one.
  if (previous.flapping || !(flap.lowPct >= 0) || !(flap.highPct > 0)) return false;
  const letter = historyLetter(result.status);
  if (letter === null || !flatHistory(previous.history, letter)) return false;
  if (result.status === 'ok') return open === null && !previous.openNotified && (previous.lastNotifiedAt ?? null) === null;
  if (open === null || open.severity !== result.status) return false;
  // A quietly opened alert may be due for its late announcement, an announced one for a repeat,
  // and a worse value is a new peak.
  if (!previous.openNotified) return false;
  if (extra.repeatMs > 0 && !open.acknowledged) {
    const since = previous.lastNotifiedAt ?? open.triggeredAt ?? null;
    if (since !== null && extra.nowMs - since.getTime() >= extra.repeatMs) return false;
  }
  if (result.value !== null && open.peakValue !== undefined && isWorse(result.value, open.peakValue, extra.lowerIsWorse)) return false;
  return true;
}

function flatHistory(history: string, letter: string): boolean {
  if (history.length === 0) return false;
  for (let i = 0; i < history.length; i++) if (history[i] !== letter) return false;
  return true;
}

/**
 * Whether a state must be written: anything but the evaluation time changed. Histories that flap
 * detection cannot tell apart count as the same: it reads a history as if its oldest letter had
 * been there all along, so "oo" says what "o" says, and a settled check (the same result run after
 * run) writes nothing — a steady run over 10,000 hosts writes no rows at all.
 */
export function stateChanged(previous: CheckState | null, next: CheckState): boolean {
  if (!previous) return true;
  return (
    previous.status !== next.status ||
    previous.since.getTime() !== next.since.getTime() ||
    !sameFlapHistory(previous.history, next.history) ||
    previous.flapping !== next.flapping ||
    (previous.lastResolvedAt?.getTime() ?? null) !== (next.lastResolvedAt?.getTime() ?? null) ||
    previous.openNotified !== next.openNotified ||
    (previous.lastNotifiedAt?.getTime() ?? null) !== (next.lastNotifiedAt?.getTime() ?? null)
  );
}

/** Equal once the leading run of each history's oldest letter is collapsed to one letter. */
export function sameFlapHistory(a: string, b: string): boolean {
  if (a === b) return true;
  const trimmedA = a.slice(leadingRun(a) - 1);
  const trimmedB = b.slice(leadingRun(b) - 1);
  return trimmedA.length > 0 && trimmedA === trimmedB;
}

/** Length of the run of the first letter at the start of `text` (0 for ''). */
function leadingRun(text: string): number {
  let run = text.length > 0 ? 1 : 0;
  while (run < text.length && text[run] === text[0]) run++;
  return run;
}
