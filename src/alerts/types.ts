// The evaluator's contract: one host check's result plus what was remembered, in; the new state and
// at most one transition, out. Pure: no store, no clock but the `now` passed in.

import type { CheckResult } from '../checks/types.js';
import type { CheckState, NotificationEvent, Severity } from '../store/types.js';

export interface EvaluatedCheck {
  hostId: number;
  hostName: string;
  checkId: number;
  checkKey: string;
  /** "Disk Space" */
  checkName: string;
  cooldownMs: number;
  /** Open, announced, unacknowledged alerts are announced again this often; 0 or absent: never. */
  repeatMs?: number;
  /** For minimum checks (files_count) a lower value is the worse one: it decides peak_value. */
  lowerIsWorse?: boolean;
}

/** The open alert of this host and check, if any: the record, not the remembered status, decides. */
export interface OpenAlertRef {
  alertId: number;
  severity: Severity;
  acknowledged: boolean;
  /** When it opened: a late announcement says so, and repeats count from it when nothing else is known. */
  triggeredAt?: Date;
  /** The worst value so far (alerts.peak_value). */
  peakValue?: number | null;
}

export interface FlapSettings {
  window: number;
  highPct: number;
  lowPct: number;
}

export interface EvaluationInput {
  check: EvaluatedCheck;
  result: CheckResult;
  previous: CheckState | null;
  openAlert: OpenAlertRef | null;
  now: Date;
  flap: FlapSettings;
}

/** What to write. `alertId` is absent on 'open': the database assigns it. */
export type AlertAction =
  | { kind: 'open'; severity: Severity; message: string; value: number | null }
  | { kind: 'change_severity'; alertId: number; severity: Severity; message: string; value: number | null; peakValue?: number | null }
  | { kind: 'resolve'; alertId: number; message: string; value: number | null };

export type QuietReason = 'cooldown' | 'flapping' | 'acknowledged' | 'opened_quietly';

export interface Transition {
  event: NotificationEvent;
  /** Null for pure notices (flapping started/stopped) that change no alert. */
  action: AlertAction | null;
  /** False when the transition is recorded but not announced. */
  notify: boolean;
  quietReason: QuietReason | null;
  /**
   * Set on the late announcement of an alert re-opened quietly inside its cooldown (event 'open',
   * no action): when it re-opened.
   */
  reopenedAt?: Date;
  /** Set on a repeat notification (event 'repeat', no action): how long the alert has been open. */
  openForMs?: number;
}

export interface EvaluationOutcome {
  state: CheckState;
  /** Zero, one or two (a flapping notice next to the alert change) transitions, in order. */
  transitions: Transition[];
  /** A new worst value of the open alert that no transition records: written to peak_value. */
  peak?: { alertId: number; peakValue: number } | null;
}

/**
 * A transition after it was written: what `monitor check` prints (one line each), returns with
 * --json, and hands to notifiers. `alertId` is the database's id (null for notices with no alert).
 */
export interface TransitionRecord {
  event: NotificationEvent;
  alertId: number | null;
  hostName: string;
  checkKey: string;
  checkName: string;
  severity: Severity | null;
  status: 'open' | 'resolved' | null;
  message: string;
  value: number | null;
  at: Date;
  triggeredAt: Date | null;
  resolvedAt: Date | null;
  notify: boolean;
  quietReason: QuietReason | null;
  /** The check's effective thresholds (warn, crit, for, clear as set; durations as text like "5m"). */
  params?: Record<string, number | string>;
  /** See Transition.reopenedAt and Transition.openForMs. */
  reopenedAt?: Date | null;
  openForMs?: number | null;
}
