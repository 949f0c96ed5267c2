// The Store both adapters share: one implementation of the contract over a SqlDriver, so SQLite and
// MySQL cannot drift apart in behaviour. The queries live in the files next to this one; this class
// picks the connection (the caller's transaction or the driver's own) and wraps what must be atomic.

import * as metricWindows from './metric-windows.js';
import type { MetricWindowAnswer, MetricWindowQuery } from './metric-windows.js';
import { AsyncLocalStorage } from 'node:async_hooks';
import { applyMigrations, loadMigrations } from '../migrations.js';
import { retryConflicts } from '../retry.js';
import type { Dialect, Store } from '../store.js';
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
} from '../types.js';
import * as alertBatch from './alert-batch.js';
import * as alerts from './alerts.js';
import * as catalogue from './check-catalogue.js';
import * as state from './check-state.js';
import type { SqlDriver } from './driver.js';
import * as hosts from './hosts.js';
import * as buckets from './metric-buckets.js';
import * as outbox from './outbox.js';
import * as tokens from './registration-tokens.js';
import * as samples from './samples.js';
import * as settings from './settings.js';

/** Rows per DELETE when `hosts remove` clears a host's samples: a small write-set, a short lock. */
const REMOVE_BATCH_ROWS = 5_000;

export class SqlStore implements Store {
  readonly dialect: Dialect;
  readonly location: string;
  readonly driver: SqlDriver;
  private readonly inTransaction: boolean;
  /**
   * The transaction whose callback is running. A call on the outer store from inside the callback
   * joins that transaction instead of waiting for it (SQLite: a deadlock on its one connection) or
   * running beside it on another connection (MySQL: a lock wait on rows the transaction holds).
   */
  private readonly current: AsyncLocalStorage<SqlStore>;

  constructor(driver: SqlDriver, location: string, transaction?: { context: AsyncLocalStorage<SqlStore> }) {
    this.driver = driver;
    this.dialect = driver.dialect;
    this.location = location;
    this.inTransaction = transaction !== undefined;
    this.current = transaction?.context ?? new AsyncLocalStorage<SqlStore>();
  }

  /** The driver for the next statement. */
  private get db(): SqlDriver {
    if (this.inTransaction) return this.driver;
    return this.activeTransaction()?.driver ?? this.driver;
  }

  /**
   * Runs several statements as one unit: inside the caller's transaction, or a write transaction of
   * its own — which, being all of `work`, is run again when the database rolls it back as a conflict.
   */
  private atomically<T>(work: (db: SqlDriver) => Promise<T>): Promise<T> {
    const db = this.db;
    return db === this.driver && !this.inTransaction ? retryConflicts(() => this.driver.transaction(work, true)) : work(db);
  }

  async migrate(): Promise<string[]> {
    const migrations = await loadMigrations(this.dialect);
    const now = new Date();
    if (this.driver.syntax.transactionalDdl) return this.atomically((db) => applyMigrations(db, migrations, now));
    return applyMigrations(this.db, migrations, now);
  }

  ping(): Promise<void> {
    return this.db.ping();
  }

  async close(): Promise<void> {
    if (!this.inTransaction) await this.driver.close();
  }

  joinsTransaction(): boolean {
    return this.inTransaction || this.activeTransaction() !== undefined;
  }

  /** The transaction this async context is inside (a call on the outer store from within fn), if any. */
  private activeTransaction(): SqlStore | undefined {
    const active = this.current.getStore();
    return active !== undefined && !active.driver.finished ? active : undefined;
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>, options: { immediate?: boolean } = {}): Promise<T> {
    if (this.inTransaction) return fn(this);
    const active = this.activeTransaction();
    if (active !== undefined) return fn(active);
    return this.driver.transaction((txDriver) => {
      const tx = new SqlStore(txDriver, this.location, { context: this.current });
      return this.current.run(tx, () => fn(tx));
    }, options.immediate ?? false);
  }

  // ---- hosts
  addHost(input: { hostName: string; keyHash: string; description: string | null; createdAt: Date; registeredBy?: string | null }): Promise<Host> {
    return hosts.addHost(this.db, input);
  }
  findHostByName(hostName: string): Promise<Host | null> {
    return hosts.findHostByName(this.db, hostName);
  }
  findHostByKeyHash(keyHash: string): Promise<Host | null> {
    return hosts.findHostByKeyHash(this.db, keyHash);
  }
  listHosts(): Promise<HostSummary[]> {
    return hosts.listHosts(this.db);
  }
  listHostRecords(): Promise<Host[]> {
    return hosts.listHostRecords(this.db);
  }
  setHostKeyHash(hostId: number, keyHash: string, registeredBy?: string): Promise<void> {
    return hosts.setHostKeyHash(this.db, hostId, keyHash, registeredBy);
  }

  addRegistrationToken(input: { name: string; tokenHash: string; createdAt: Date; expiresAt: Date | null; allowReregister: boolean }): Promise<RegistrationToken> {
    return tokens.addRegistrationToken(this.db, input);
  }
  listRegistrationTokens(): Promise<RegistrationToken[]> {
    return tokens.listRegistrationTokens(this.db);
  }
  findRegistrationTokenByHash(tokenHash: string): Promise<RegistrationToken | null> {
    return tokens.findRegistrationTokenByHash(this.db, tokenHash);
  }
  revokeRegistrationToken(name: string, at: Date): Promise<boolean> {
    return tokens.revokeRegistrationToken(this.db, name, at);
  }
  countRegistrationTokenUse(name: string, at: Date): Promise<void> {
    return tokens.countRegistrationTokenUse(this.db, name, at);
  }
  /**
   * Outside a transaction the host's samples (a month at one a minute is ~43k rows) go first, in
   * batches that commit one by one: on Galera one huge write-set stalls every node while it is
   * certified and applied. Then the rest, and the few samples that arrived meanwhile, in one
   * transaction. Interrupted half-way, the host is still there with part of its history, and running
   * the removal again finishes it.
   */
  async removeHost(hostId: number, batchSize = REMOVE_BATCH_ROWS): Promise<void> {
    if (this.db === this.driver && !this.inTransaction) await hosts.removeHostSamples(this.driver, hostId, batchSize);
    return this.atomically((db) => hosts.removeHost(db, hostId));
  }

  // ---- samples
  insertSamples(rows: NewSample[]): Promise<InsertResult> {
    if (rows.length === 0) return Promise.resolve({ inserted: 0, duplicates: 0 });
    return this.atomically((db) => samples.insertSamples(db, rows));
  }
  /**
   * One INSERT per group in one transaction: exact counts per group; last_seen is the caller's
   * (touchHosts). (SQLite has no round trips to save; the MySQL store overrides this with its own writer.)
   */
  insertSampleGroups(groups: NewSample[][]): Promise<InsertResult[]> {
    return this.atomically(async (db) => {
      const results: InsertResult[] = [];
      for (const group of groups) results.push(group.length === 0 ? { inserted: 0, duplicates: 0 } : await samples.insertSamples(db, group, false));
      return results;
    });
  }
  touchHosts(seen: { hostId: number; at: Date }[]): Promise<void> {
    if (seen.length === 0) return Promise.resolve();
    return samples.touchHosts(this.db, seen);
  }
  loadMetricSamples(range: { from: Date; to: Date; hostIds?: number[] }): Promise<Map<number, MetricSample[]>> {
    return samples.loadMetricSamples(this.db, range);
  }
  loadMetricWindows(query: MetricWindowQuery): Promise<MetricWindowAnswer> {
    return metricWindows.loadMetricWindows(this.db, query);
  }
  latestSampleTimes(until: Date, hostIds?: readonly number[]): Promise<Map<number, Date>> {
    return samples.latestSampleTimes(this.db, until, hostIds);
  }
  loadMetricBuckets(range: { from: Date; to: Date; stepSeconds: number; hostIds: readonly number[] }): Promise<Map<number, MetricBucket[]>> {
    return buckets.loadMetricBuckets(this.db, range);
  }
  latestMetrics(hostIds: readonly number[]): Promise<Map<number, LatestMetrics>> {
    return buckets.latestMetrics(this.db, hostIds);
  }
  latestDatasetReports(until: Date): Promise<DatasetReport[]> {
    return samples.latestDatasetReports(this.db, until);
  }
  pruneSamples(olderThan: Date, batchSize: number): Promise<number> {
    return samples.pruneSamples(this.db, olderThan, batchSize);
  }

  // ---- check types and host checks
  listCheckTypes(): Promise<CheckType[]> {
    return catalogue.listCheckTypes(this.db);
  }
  upsertCheckTypes(types: CheckTypeInput[]): Promise<void> {
    return this.atomically((db) => catalogue.upsertCheckTypes(db, types));
  }
  listHostChecks(filter?: { hostId?: number; enabledOnly?: boolean }): Promise<HostCheck[]> {
    return catalogue.listHostChecks(this.db, filter);
  }

  listEnabledHostChecks(filter?: { hostId?: number }): Promise<EnabledHostCheck[]> {
    return catalogue.listEnabledHostChecks(this.db, filter);
  }
  listCheckedHosts(filter?: { hostId?: number }): Promise<CheckedHost[]> {
    return catalogue.listCheckedHosts(this.db, filter);
  }
  upsertHostChecks(rows: HostCheckInput[]): Promise<void> {
    return this.atomically((db) => catalogue.upsertHostChecks(db, rows));
  }
  deleteHostChecks(keys: { hostId: number; checkId: number }[]): Promise<void> {
    return this.atomically((db) => catalogue.deleteHostChecks(db, keys));
  }

  // ---- alerts
  openAlert(alert: NewAlert): Promise<number> {
    return alerts.openAlert(this.db, alert);
  }
  updateAlertSeverity(alertId: number, update: { severity: Severity; message: string; value: number | null; peakValue?: number | null }): Promise<void> {
    return alerts.updateAlertSeverity(this.db, alertId, update);
  }
  updateAlertPeaks(peaks: { alertId: number; peakValue: number }[]): Promise<void> {
    if (peaks.length === 0) return Promise.resolve();
    return alerts.updateAlertPeaks(this.db, peaks);
  }
  resolveAlert(alertId: number, update: { resolvedAt: Date; resolveMessage: string; value: number | null }): Promise<boolean> {
    return alerts.resolveAlert(this.db, alertId, update);
  }
  openAlerts(rows: NewAlert[]): Promise<(number | null)[]> {
    return this.atomically((db) => alertBatch.openAlerts(db, rows));
  }
  resolveAlerts(updates: AlertResolve[]): Promise<boolean[]> {
    return this.atomically((db) => alertBatch.resolveAlerts(db, updates));
  }
  updateAlertSeverities(updates: AlertSeverityChange[]): Promise<void> {
    return this.atomically((db) => alertBatch.updateAlertSeverities(db, updates));
  }
  lockOpenAlerts(alertIds: number[]): Promise<Set<number>> {
    return this.atomically((db) => alertBatch.lockOpenAlerts(db, alertIds));
  }
  acknowledgeAlert(alertId: number, at: Date): Promise<Alert | null> {
    return alerts.acknowledgeAlert(this.db, alertId, at);
  }
  getAlert(alertId: number): Promise<Alert | null> {
    return alerts.getAlert(this.db, alertId);
  }
  listAlerts(filter: AlertFilter): Promise<Alert[]> {
    return alerts.listAlerts(this.db, filter);
  }
  listOpenAlerts(): Promise<Alert[]> {
    return alerts.listOpenAlerts(this.db);
  }
  pruneResolvedAlerts(olderThan: Date, batchSize: number): Promise<number> {
    return alerts.pruneResolvedAlerts(this.db, olderThan, batchSize);
  }

  // ---- evaluation state and leases
  loadCheckStates(): Promise<CheckState[]> {
    return state.loadCheckStates(this.db);
  }
  saveCheckStates(states: CheckState[]): Promise<void> {
    if (states.length === 0) return Promise.resolve();
    return this.atomically((db) => state.saveCheckStates(db, states));
  }
  deleteCheckStates(keys: { hostId: number; checkId: number }[]): Promise<void> {
    if (keys.length === 0) return Promise.resolve();
    return this.atomically((db) => state.deleteCheckStates(db, keys));
  }
  acquireLease(name: string, owner: string, now: Date, ttlMs: number, holder?: LeaseHolder): Promise<boolean> {
    return state.acquireLease(this.db, name, owner, now, ttlMs, holder);
  }
  renewLease(name: string, owner: string, now: Date, ttlMs: number): Promise<boolean> {
    return state.renewLease(this.db, name, owner, now, ttlMs);
  }
  takeOverLease(name: string, from: string, owner: string, now: Date, ttlMs: number, holder?: LeaseHolder): Promise<boolean> {
    return state.takeOverLease(this.db, name, from, owner, now, ttlMs, holder);
  }
  getLease(name: string): Promise<Lease | null> {
    return state.getLease(this.db, name);
  }
  releaseLease(name: string, owner: string): Promise<void> {
    return state.releaseLease(this.db, name, owner);
  }

  // ---- settings
  getSetting(name: string): Promise<string | null> {
    return settings.getSetting(this.db, name);
  }
  setSetting(name: string, value: string): Promise<void> {
    return settings.setSetting(this.db, name, value);
  }

  // ---- notification outbox
  enqueueNotifications(items: NewNotification[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return this.atomically((db) => outbox.enqueueNotifications(db, items));
  }
  pendingNotifications(channels: readonly string[], maxAttempts: number, limitPerChannel: number): Promise<Notification[]> {
    return outbox.pendingNotifications(this.db, channels, maxAttempts, limitPerChannel);
  }
  claimNotification(notificationId: number, token: string, now: Date, until: Date, maxAttempts: number): Promise<boolean> {
    return outbox.claimNotification(this.db, notificationId, token, now, until, maxAttempts);
  }
  releaseNotificationClaims(token: string): Promise<number> {
    return outbox.releaseNotificationClaims(this.db, token);
  }
  markNotificationDelivered(notificationId: number, at: Date): Promise<void> {
    return outbox.markNotificationDelivered(this.db, notificationId, at);
  }
  markNotificationFailed(notificationId: number, error: string, at: Date): Promise<void> {
    return outbox.markNotificationFailed(this.db, notificationId, error, at);
  }
  pruneFinishedNotifications(olderThan: Date, maxAttempts: number, batchSize: number): Promise<number> {
    return outbox.pruneFinishedNotifications(this.db, olderThan, maxAttempts, batchSize);
  }
}
