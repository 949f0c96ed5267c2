// The contract of a check function (built-in or plugin). A check function is pure: plain data and
// `now` in, a result out. It imports nothing from the store, the CLI or node:fs, so it is tested
// with plain objects and replayed deterministically (`monitor check --at`).

import type { CheckStatus, DatasetReport, MetricSample } from '../store/types.js';
import type { MetricWindow } from './metric-window.js';

export interface CheckResult {
  /** ok, warning or critical; unknown when there is no data to judge (it never opens nor resolves). */
  status: CheckStatus;
  /** The number the decision was made on (92 for 92% disk), or null. */
  value: number | null;
  /**
   * The sentence people read, for every status, e.g. "Host 'storage-server-04' disk usage critical: 92%"
   * or "Host 'storage-server-04' disk usage normal: 45%".
   */
  message: string;
}

export interface CheckInput {
  hostName: string;
  hostCreatedAt: Date;
  /** The check type's defaults merged with the host's overrides, normalised by `params` (durations in ms). */
  params: Record<string, unknown>;
  now: Date;
  /** Metric samples with now - window(params) < collected_at <= now, oldest first (see SampleReads). */
  samples: MetricSample[];
  /**
   * For a function that declares a { kind: 'summary' } read: its metric's window over
   * now - window(params) < collected_at <= now as the database computed it, or null when no sample
   * there carries the metric; `samples` is then empty. Undefined otherwise, or when the database
   * could not summarise this host exactly: then `samples` holds what summariseSamples() needs.
   */
  summary?: MetricWindow | null;
  /** The newest report of any kind at or before now, or null when the host never reported. */
  lastReportAt: Date | null;
  /** The newest report of each dataset of this host at or before now. */
  datasets: DatasetReport[];
  /**
   * The severity of this host and check's open alert, or 'ok' when none is open. Lets thresholds
   * apply hysteresis: an alert stays open until the value falls below `clear`.
   */
  current: CheckStatus;
  /** A sample older than this is not current (the host stopped reporting): the result is unknown. */
  sampleMaxAgeMs: number;
}

/** The metric columns of a sample a check may declare it reads (see SampleReads). */
export type MetricColumn = 'cpuPct' | 'memPct' | 'diskPct' | 'load1';

/**
 * What evaluate() reads of its window, declared by the check function so `monitor check` loads and
 * hands over no more — the same for built-ins and plugins:
 * - `window`: every sample of window(params) (what a function without reads() gets);
 * - `metric`: of one metric, the value in effect when the last `forMs` began (the newest sample
 *   carrying it at or before now - forMs) and every sample after; with forMs 0, only the newest
 *   sample carrying it. forMs must not exceed the window. A function that declares this must
 *   decide on those samples exactly as on the whole window;
 * - `summary`: of one metric, the MetricWindow the database computes for a `for` of forMs (the
 *   newest value, the one in effect at the window's start, min and max inside, the first gap): one
 *   row per host instead of every sample. The function gets it as `input.summary` and must decide
 *   on it alone — or, when it is undefined, on summariseSamples(input.samples, …), the same
 *   summary computed from the samples (metric-threshold.ts does both).
 */
export type SampleReads =
  { kind: 'window' } | { kind: 'metric'; metric: MetricColumn; forMs: number } | { kind: 'summary'; metric: MetricColumn; forMs: number };

export type ParamType = 'number' | 'duration' | 'string' | 'boolean' | 'enum';

export interface ParamSpec {
  type: ParamType;
  description: string;
  /** For 'enum'. */
  values?: readonly string[];
  min?: number;
  max?: number;
  required?: boolean;
}

export interface CheckFunction {
  /** The registry key, stored in `alert_types.function_name`; the file is the same name in kebab-case. */
  name: string;
  description: string;
  /** Every param it reads. Unknown params are errors; values are normalised (durations to ms). */
  params: Record<string, ParamSpec>;
  /**
   * How much sample history before `now` evaluate() needs for these (normalised) params; 0 when it
   * reads no samples. `monitor check` loads samples once, for the largest window of all checks.
   */
  window(params: Record<string, unknown>, sampleMaxAgeMs: number): number;
  /** What evaluate() reads of the window for these (normalised, valid) params; absent: all of it. */
  reads?(params: Record<string, unknown>): SampleReads;
  evaluate(input: CheckInput): CheckResult;
  /**
   * Optional cross-field rules a single ParamSpec cannot say (warn below crit, percents up to 100
   * for percent metrics). Receives the normalised params, possibly incomplete; returns problems.
   */
  validate?(params: Record<string, unknown>): { key: string; message: string }[];
  /**
   * Whether evaluate() reads input.datasets; absent counts as true. A run in which no check reads
   * them does not read any (input.datasets is then empty): the built-ins that judge metrics or
   * report times say false.
   */
  readsDatasets?: boolean;
  /** True for minimum checks (fewer files is worse): the lowest value while open is the alert's peak. */
  lowerIsWorse?: boolean;
  /**
   * Declares a host-liveness check (host_silent; a plugin may declare one too): while it fires
   * (warning or critical) for a host, that host's other checks are unknown, as they would judge
   * stale samples. `silentAt` says whether, with these (normalised) params, a host whose last report
   * (or, never reported, its registration) was at `since` is silent at `now`: when every host is,
   * `monitor check` holds their alerts back as one fleet-wide problem.
   */
  hostLiveness?: { silentAt(params: Record<string, unknown>, since: Date, now: Date): boolean };
}
