// A tiny pure harness: plays a check's results through the evaluator step by step, feeding each
// outcome's state into the next call and keeping the alert record the way the store would.

import { evaluate } from '../../src/alerts/evaluate.js';
import type { EvaluatedCheck, FlapSettings, OpenAlertRef, Transition } from '../../src/alerts/types.js';
import type { CheckFunction, CheckResult } from '../../src/checks/types.js';
import type { CheckState, CheckStatus, MetricSample } from '../../src/store/types.js';

export const T0 = Date.parse('2025-03-01T12:00:00.000Z');
export const MIN = 60_000;
export const at = (minutes: number): Date => new Date(T0 + minutes * MIN);

export const check: EvaluatedCheck = {
  hostId: 7,
  hostName: 'storage-server-04',
  checkId: 3,
  checkKey: 'disk_space',
  checkName: 'Disk Space',
  cooldownMs: 0,
};

/** Flap detection out of the way unless a test is about it. */
export const noFlap: FlapSettings = { window: 21, highPct: 101, lowPct: 100 };

export interface Step {
  at: Date;
  transitions: Transition[];
  state: CheckState;
}

export function scenario(options: { cooldownMs?: number; flap?: FlapSettings } = {}) {
  let state: CheckState | null = null;
  let openAlert: OpenAlertRef | null = null;
  let nextId = 15;
  const steps: Step[] = [];
  const evaluated = { ...check, cooldownMs: options.cooldownMs ?? 0 };

  function feed(now: Date, result: CheckResult): Transition[] {
    const outcome = evaluate({ check: evaluated, result, previous: state, openAlert, now, flap: options.flap ?? noFlap });
    for (const { action } of outcome.transitions) {
      if (action?.kind === 'open') openAlert = { alertId: nextId++, severity: action.severity, acknowledged: false };
      else if (action?.kind === 'change_severity' && openAlert) openAlert = { ...openAlert, severity: action.severity };
      else if (action?.kind === 'resolve') openAlert = null;
    }
    state = outcome.state;
    steps.push({ at: now, transitions: outcome.transitions, state: outcome.state });
    return outcome.transitions;
  }

  return {
    feed,
    /** Feeds a bare status with a message that names it. */
    status(now: Date, status: CheckStatus, value: number | null = null): Transition[] {
      return feed(now, { status, value, message: `disk usage ${status}` });
    },
    ack(): void {
      if (openAlert) openAlert = { ...openAlert, acknowledged: true };
    },
    /** Another run or a person resolved the alert behind our back. */
    dropAlert(): void {
      openAlert = null;
    },
    get state(): CheckState | null {
      return state;
    },
    get openAlert(): OpenAlertRef | null {
      return openAlert;
    },
    steps,
    /** "event" or "event(quiet:reason)" per transition, all steps flattened: compact to assert on. */
    events(): string[] {
      return steps.flatMap((s) => s.transitions.map((t) => (t.notify ? t.event : `${t.event}(quiet:${t.quietReason})`)));
    },
  };
}

export function sample(minutes: number, values: Partial<Omit<MetricSample, 'collectedAt'>>): MetricSample {
  return { collectedAt: at(minutes), cpuPct: null, memPct: null, diskPct: null, load1: null, ...values };
}

/**
 * Runs a check function over a timeline: at each evaluation time it sees the samples of its window
 * (as `monitor check` loads them) and `current` from the open alert, and the evaluator acts on it.
 */
export function timeline(fn: CheckFunction, params: Record<string, unknown>, samples: MetricSample[], sampleMaxAgeMs = 5 * MIN) {
  const run = scenario();
  const results: CheckResult[] = [];
  return {
    run,
    results,
    evaluateAt(minutes: number): { result: CheckResult; transitions: Transition[] } {
      const now = at(minutes);
      const from = now.getTime() - fn.window(params, sampleMaxAgeMs);
      const visible = samples.filter((s) => s.collectedAt.getTime() > from && s.collectedAt <= now);
      const result = fn.evaluate({
        hostName: check.hostName,
        hostCreatedAt: at(-60),
        params,
        now,
        samples: visible,
        lastReportAt: samples.filter((s) => s.collectedAt <= now).at(-1)?.collectedAt ?? null,
        datasets: [],
        current: run.openAlert?.severity ?? 'ok',
        sampleMaxAgeMs,
      });
      results.push(result);
      return { result, transitions: run.feed(now, result) };
    },
  };
}
