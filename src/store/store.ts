// The one repository interface. Two adapters implement it (store/sqlite, store/mysql) and one
// contract suite (test/store/contract.ts) runs against both. Every method is set-based where a
// caller works on many hosts: `monitor check` must run a fixed number of statements per run, no
// matter how many hosts there are.
//
// Errors: adapters turn driver errors into the project's own (UnavailableError when the server cannot
// be reached, DuplicateOpenAlertError, ConflictError, RetryableTransactionError), keeping the original
// as `cause`.

import type { MetricWindowAnswer, MetricWindowQuery } from './sql/metric-windows.js';
import type {
  Alert,
  AlertFilter,
  AlertResolve,
  AlertSeverityChange,
  CheckState,
  CheckType,
  CheckTypeInput,
  DatasetReport,
  CheckedHost,
  EnabledHostCheck,
  Host,
  HostCheck,
  HostCheckInput,
  HostSummary,
  InsertResult,
  LatestMetrics,
  MetricBucket,
  Lease,
  LeaseHolder,
  MetricSample,
  NewAlert,
  NewNotification,
  NewSample,
  Notification,
  RegistrationToken,
  Severity,
} from './types.js';

export type Dialect = 'sqlite' | 'mysql';

export interface Store {
  readonly dialect: Dialect;
  /** Where the data lives, safe to print: a file path or mysql://user@host:port/db (no password). */
  readonly location: string;

  /** Applies pending versioned migrations from sql/<dialect>/; returns the versions applied now. */
  migrate(): Promise<string[]>;
  /**
   * Throws UnavailableError unless the database can take work now: a real table is read, and a
   * Galera node must be ready and Synced. Asked once, never retried (serve's /healthz).
   */
  ping(): Promise<void>;
  close(): Promise<void>;

  /**
   * Runs fn inside one transaction on one connection and commits, or rolls back when fn throws.
   * Inside fn, use the store passed in (not this one). Nested calls join the outer transaction.
   * `immediate` takes the write lock up front (SQLite BEGIN IMMEDIATE); MySQL ignores it.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>, options?: { immediate?: boolean }): Promise<T>;
  /** True when transaction() here would join an open transaction rather than begin one. */
  joinsTransaction(): boolean;

  // ---- hosts -------------------------------------------------------------------------------
  /** Throws ConflictError when the name is taken; nothing is written then. */
  addHost(input: {
    hostName: string;
    keyHash: string;
    description: string | null;
    createdAt: Date;
    registeredBy?: string | null;
  }): Promise<Host>;
  findHostByName(hostName: string): Promise<Host | null>;
  findHostByKeyHash(keyHash: string): Promise<Host | null>;
  /** Every host with its newest metrics and open alert count, ordered by name. */
  listHosts(): Promise<HostSummary[]>;
  /** Every host, ordered by name: the plain rows, without listHosts' metrics and counts. */
  listHostRecords(): Promise<Host[]>;
  /** With registeredBy, also records the registration token that re-registered the host. */
  setHostKeyHash(hostId: number, keyHash: string, registeredBy?: string): Promise<void>;
  /**
   * Removes the host and everything that belongs to it: samples, host checks, alerts, state, outbox
   * rows. Outside a transaction the samples go first in batches of `batchSize` rows (default 5,000),
   * each committed alone; the rest in one transaction.
   */
  removeHost(hostId: number, batchSize?: number): Promise<void>;

  // ---- registration tokens ------------------------------------------------------------------
  /** Throws ConflictError when the name is taken. */
  addRegistrationToken(input: {
    name: string;
    tokenHash: string;
    createdAt: Date;
    expiresAt: Date | null;
    allowReregister: boolean;
  }): Promise<RegistrationToken>;
  /** Ordered by name, revoked and expired ones included. */
  listRegistrationTokens(): Promise<RegistrationToken[]>;
  findRegistrationTokenByHash(tokenHash: string): Promise<RegistrationToken | null>;
  /** False when there is no such token, or it is already revoked. */
  revokeRegistrationToken(name: string, at: Date): Promise<boolean>;
  /** Counts one registration made with the token. */
  countRegistrationTokenUse(name: string, at: Date): Promise<void>;

  // ---- samples (incoming_data) -------------------------------------------------------------
  /**
   * Writes samples idempotently (a re-sent report — same host, collected_at and dataset — is not
   * written twice) and sets `hosts.last_seen` to the newest `receivedAt` of each host, all in one
   * transaction (joins the caller's when called inside one).
   */
  insertSamples(samples: NewSample[]): Promise<InsertResult>;
  /**
   * Several callers' samples (the requests of one group commit) in ONE transaction that this call
   * begins and commits itself, with each group's own counts, in order. Same idempotence as
   * insertSamples; a sample in two groups is a duplicate of the later one. It does NOT write
   * hosts.last_seen: on a cluster that one row per host would be written by every node for every
   * report; the caller refreshes it with touchHosts, at its own pace.
   * On MySQL it runs on a connection of its own, so never call it inside transaction().
   */
  insertSampleGroups(groups: NewSample[][]): Promise<InsertResult[]>;
  /** Moves each host's last_seen forward to the time given (never backwards), outside any ingest transaction. */
  touchHosts(seen: { hostId: number; at: Date }[]): Promise<void>;
  /**
   * Samples carrying at least one metric with from < collected_at <= to, per host, oldest first.
   * With hostIds, only those hosts. One statement.
   * With thinBefore, a host's samples at or before that time are left out except the newest one
   * carrying each metric (the value in effect then): all that threshold checks read of the time
   * before their `for` window, and most of a 10,000-host window.
   */
  loadMetricSamples(range: { from: Date; to: Date; hostIds?: number[]; thinBefore?: Date }): Promise<Map<number, MetricSample[]>>;
  /**
   * The window summaries of declared reads (checks/metric-window.ts), computed by the database over
   * the samples with scanFrom < collected_at <= now (and within each read's window): per host with
   * samples there, by spec index, its summary; null when none in the read's window carries the
   * metric; 'inexact' when some sample there lacks it (read that host's samples instead). With
   * hostId, that host only. One statement, whatever the number of hosts and reads (two on MySQL when
   * some read's `for` exceeds maxAgeMs). Also, from the same scan, each host's newest report.
   */
  loadMetricWindows(query: MetricWindowQuery): Promise<MetricWindowAnswer>;
  /**
   * Per listed host, min/avg/max of each metric per bucket of `stepSeconds` after `from` (bucket k
   * holds from + k*step < collected_at <= …, within from < collected_at <= to), by bucket index;
   * only buckets holding a sample. Computed by the database. One statement.
   */
  loadMetricBuckets(range: { from: Date; to: Date; stepSeconds: number; hostIds: readonly number[] }): Promise<Map<number, MetricBucket[]>>;
  /** Per listed host, its newest sample carrying metrics (hosts that never sent one are absent). One statement. */
  latestMetrics(hostIds: readonly number[]): Promise<Map<number, LatestMetrics>>;
  /** Per host (of these, when given), the newest collected_at at or before `until`. One statement. */
  latestSampleTimes(until: Date, hostIds?: readonly number[]): Promise<Map<number, Date>>;
  /** Per host and dataset, the newest report at or before `until`. One statement. */
  latestDatasetReports(until: Date): Promise<DatasetReport[]>;
  /** Deletes samples collected before `olderThan` in batches of `batchSize`; returns how many. */
  pruneSamples(olderThan: Date, batchSize: number): Promise<number>;

  // ---- check types (alert_types) ------------------------------------------------------------
  listCheckTypes(): Promise<CheckType[]>;
  /** Inserts new check keys and updates the rest; never deletes (alerts refer to them). */
  upsertCheckTypes(types: CheckTypeInput[]): Promise<void>;

  // ---- host checks (host_alert_checks) ------------------------------------------------------
  /** Joined with host names and check keys; ordered by host name, then check key. */
  listHostChecks(filter?: { hostId?: number; enabledOnly?: boolean }): Promise<HostCheck[]>;
  /**
   * The enabled host checks, unjoined and unordered (one cheap statement for `monitor check` at
   * 40,000 rows); equal params_json texts come back as one shared object, which callers must not modify.
   */
  listEnabledHostChecks(filter?: { hostId?: number }): Promise<EnabledHostCheck[]>;
  /**
   * Each host with enabled checks (that host only, with hostId), with its checks' ids and overrides:
   * what `monitor check` reads of hosts and host checks, in one statement that answers a row per
   * host (two statements in the rare case described in listCheckedHosts).
   */
  listCheckedHosts(filter?: { hostId?: number }): Promise<CheckedHost[]>;
  /** Inserts or replaces (params, enabled) for each (host_id, check_id). */
  upsertHostChecks(rows: HostCheckInput[]): Promise<void>;
  deleteHostChecks(keys: { hostId: number; checkId: number }[]): Promise<void>;

  // ---- alerts ------------------------------------------------------------------------------
  /** Returns the new alert_id. Throws DuplicateOpenAlertError when one is already open for the host and check. */
  openAlert(alert: NewAlert): Promise<number>;
  /** Sets value (the value that crossed the new level) and the peak: `peakValue` when given, else the higher of the two. */
  updateAlertSeverity(
    alertId: number,
    update: { severity: Severity; message: string; value: number | null; peakValue?: number | null },
  ): Promise<void>;
  /** Sets peak_value of these open alerts (the evaluator decides what is worse). */
  updateAlertPeaks(peaks: { alertId: number; peakValue: number }[]): Promise<void>;
  /**
   * Only an open alert is resolved; returns false when it was not open (someone else resolved it).
   * `value` is the resolving value, stored in resolve_value: the firing value and peak stay.
   */
  resolveAlert(alertId: number, update: { resolvedAt: Date; resolveMessage: string; value: number | null }): Promise<boolean>;
  /**
   * Set-based forms of the three above for one run's many transitions, a few statements each
   * whatever the count; call them inside a transaction. openAlerts returns each new alert_id in
   * order, or null where an alert was already open for that host and check; resolveAlerts returns
   * whether each was resolved by this call. When another writer gets in between their read and
   * their write, they throw RetryableTransactionError: run the transaction again.
   */
  openAlerts(alerts: NewAlert[]): Promise<(number | null)[]>;
  resolveAlerts(updates: AlertResolve[]): Promise<boolean[]>;
  updateAlertSeverities(updates: AlertSeverityChange[]): Promise<void>;
  /**
   * The ids among these whose alert is still open, read as committed now (not as of the
   * transaction's snapshot) and kept from changing until the transaction ends: a close waits for
   * it. One statement per 5,000 ids; call it inside a write transaction.
   */
  lockOpenAlerts(alertIds: number[]): Promise<Set<number>>;
  /** Sets acknowledged_at once; returns the alert, or null when there is no such alert. */
  acknowledgeAlert(alertId: number, at: Date): Promise<Alert | null>;
  getAlert(alertId: number): Promise<Alert | null>;
  /** Newest first (triggered_at, then alert_id). */
  listAlerts(filter: AlertFilter): Promise<Alert[]>;
  /** Every open alert. One statement. */
  listOpenAlerts(): Promise<Alert[]>;
  /** Deletes resolved alerts resolved before `olderThan` in batches; returns how many. */
  pruneResolvedAlerts(olderThan: Date, batchSize: number): Promise<number>;

  // ---- evaluation state (check_state) -------------------------------------------------------
  loadCheckStates(): Promise<CheckState[]>;
  /** Upserts each (host_id, check_id) row, in as few statements as the dialect allows. */
  saveCheckStates(states: CheckState[]): Promise<void>;
  /** Deletes these (host_id, check_id) rows: a missing row is a plain "steady OK" state. */
  deleteCheckStates(keys: { hostId: number; checkId: number }[]): Promise<void>;

  // ---- leases ------------------------------------------------------------------------------
  /**
   * Takes or renews the named lease for `owner` until now + ttlMs, with one conditional UPDATE
   * (and an INSERT the first time): true when this owner holds it now.
   */
  acquireLease(name: string, owner: string, now: Date, ttlMs: number, holder?: LeaseHolder): Promise<boolean>;
  /** The heartbeat: extends the lease to now + ttlMs while `owner` holds it; false when it does not. */
  renewLease(name: string, owner: string, now: Date, ttlMs: number): Promise<boolean>;
  /**
   * Takes the lease from `from` whatever its expiry — for a holder known to be dead — with one
   * conditional UPDATE: false when `from` no longer holds it (someone else got there first).
   */
  takeOverLease(name: string, from: string, owner: string, now: Date, ttlMs: number, holder?: LeaseHolder): Promise<boolean>;
  /** The lease row as stored, or null when nobody holds it. */
  getLease(name: string): Promise<Lease | null>;
  releaseLease(name: string, owner: string): Promise<void>;

  // ---- settings (table `settings`): small facts the program keeps about itself
  /** The value last stored under `name`, or null. */
  getSetting(name: string): Promise<string | null>;
  /** Inserts or replaces the value under `name`. */
  setSetting(name: string, value: string): Promise<void>;

  // ---- notification outbox ------------------------------------------------------------------
  enqueueNotifications(items: NewNotification[]): Promise<void>;
  /**
   * Undelivered notifications with fewer than maxAttempts attempts, for the given channels only: up
   * to `limitPerChannel` of each channel's oldest, all oldest first. Per channel, so a channel with a
   * long backlog (down for hours, or removed from the config) never crowds out another. One statement.
   */
  pendingNotifications(channels: readonly string[], maxAttempts: number, limitPerChannel: number): Promise<Notification[]>;
  /**
   * Claims an undelivered row with fewer than `maxAttempts` attempts for `token` until `until`, with
   * one conditional UPDATE: true when this token holds the claim now (it was free, expired, or
   * already ours), false when another run's claim is still running or the row has no attempts left
   * (another run spent them since it was read). Only the claim's holder sends the row.
   */
  claimNotification(notificationId: number, token: string, now: Date, until: Date, maxAttempts: number): Promise<boolean>;
  /** Frees the undelivered rows claimed by `token` (a run known to be dead); returns how many. */
  releaseNotificationClaims(token: string): Promise<number>;
  /** Marks the row delivered and frees its claim. */
  markNotificationDelivered(notificationId: number, at: Date): Promise<void>;
  /** Counts a failed attempt, keeps the error and frees the claim. */
  markNotificationFailed(notificationId: number, error: string, at: Date): Promise<void>;
  /**
   * Deletes, in batches, notifications created before `olderThan` that are finished: delivered, or
   * out of attempts (attempts >= maxAttempts). Pending ones stay, however old. Returns how many.
   */
  pruneFinishedNotifications(olderThan: Date, maxAttempts: number, batchSize: number): Promise<number>;
}
