// Domain records the store hands out. Adapters map driver rows to these; nothing above the store
// sees a driver row. Field names are camelCase forms of the public column names in DESIGN.md.

export interface Host {
  hostId: number;
  hostName: string;
  description: string | null;
  createdAt: Date;
  lastSeen: Date | null;
}

export interface LatestMetrics {
  collectedAt: Date;
  cpuPct: number | null;
  memPct: number | null;
  diskPct: number | null;
  load1: number | null;
}

/** A host as `hosts list` shows it. */
export interface HostSummary extends Host {
  /** The newest sample that carries metrics, or null when the host never sent any. */
  latest: LatestMetrics | null;
  openAlerts: number;
  /** The registration token's name when the host registered itself; null when added by hand. */
  registeredBy: string | null;
}

/** A registration token as stored: its hash, never the token. */
export interface RegistrationToken {
  name: string;
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** Whether an agent holding it may take over a host name that already exists (a rebuilt server). */
  allowReregister: boolean;
  uses: number;
  lastUsedAt: Date | null;
}

/** A row to write into `incoming_data`. The dataset is '' in the key for plain metrics reports. */
export interface NewSample {
  hostId: number;
  collectedAt: Date;
  receivedAt: Date;
  cpuPct: number | null;
  memPct: number | null;
  diskPct: number | null;
  load1: number | null;
  datasetName: string | null;
  partitionKey: string | null;
  filesCount: number | null;
  firstEventAt: Date | null;
  lastEventAt: Date | null;
}

export interface InsertResult {
  /** Rows written by this call. */
  inserted: number;
  /** Reports already stored (same host, collected_at and dataset): acknowledged, not written again. */
  duplicates: number;
}

/** One metrics sample as check functions see it (pipeline columns left out). */
export interface MetricSample {
  collectedAt: Date;
  cpuPct: number | null;
  memPct: number | null;
  diskPct: number | null;
  load1: number | null;
}

export interface MetricValues {
  cpuPct: number | null;
  memPct: number | null;
  diskPct: number | null;
  load1: number | null;
}

/** One time bucket of one host's samples (the dashboard's charts): bucket `index` after the start. */
export interface MetricBucket {
  index: number;
  min: MetricValues;
  avg: MetricValues;
  max: MetricValues;
}

/** The newest report of one dataset on one host. */
export interface DatasetReport {
  hostId: number;
  datasetName: string;
  collectedAt: Date;
  partitionKey: string | null;
  filesCount: number | null;
  firstEventAt: Date | null;
  lastEventAt: Date | null;
}

export type Severity = 'warning' | 'critical';

/** An `alert_types` row: a check function with default params. */
export interface CheckType {
  checkId: number;
  checkKey: string;
  checkName: string;
  functionName: string;
  params: Record<string, unknown>;
  severity: Severity;
  cooldownSeconds: number;
}

export type CheckTypeInput = Omit<CheckType, 'checkId'>;

/** A `host_alert_checks` row joined with its host and check type; `params` are the host's overrides only. */
export interface HostCheck {
  hostId: number;
  hostName: string;
  checkId: number;
  checkKey: string;
  params: Record<string, unknown>;
  enabled: boolean;
}

/**
 * A host and its enabled checks as `monitor check` reads them: each check's id and the host's
 * overrides for it (equal override texts are one shared, frozen object), nothing else joined.
 */
export interface CheckedHost {
  host: Host;
  checkIds: number[];
  params: Record<string, unknown>[];
}

/** An enabled host check as `monitor check` reads it: ids and the host's overrides, nothing joined. */
export interface EnabledHostCheck {
  hostId: number;
  checkId: number;
  params: Record<string, unknown>;
}

export interface HostCheckInput {
  hostId: number;
  checkId: number;
  params: Record<string, unknown>;
  enabled: boolean;
}

export type AlertStatus = 'open' | 'resolved';

export interface Alert {
  alertId: number;
  hostId: number;
  hostName: string;
  checkId: number;
  checkKey: string;
  checkName: string;
  severity: Severity;
  status: AlertStatus;
  triggeredAt: Date;
  resolvedAt: Date | null;
  message: string;
  resolveMessage: string | null;
  /** The value that opened the alert (or last changed its severity); never overwritten at resolve. */
  value: number | null;
  /** The worst value while the alert was open (higher, or lower for minimum checks like files_count). */
  peakValue: number | null;
  /** The value it resolved with. */
  resolveValue: number | null;
  acknowledgedAt: Date | null;
}

export interface NewAlert {
  hostId: number;
  checkId: number;
  severity: Severity;
  triggeredAt: Date;
  message: string;
  value: number | null;
}

/** One resolve of a set-based write (Store.resolveAlerts). */
export interface AlertResolve {
  alertId: number;
  resolvedAt: Date;
  resolveMessage: string;
  value: number | null;
}

/** One severity change of a set-based write (Store.updateAlertSeverities). */
export interface AlertSeverityChange {
  alertId: number;
  severity: Severity;
  message: string;
  value: number | null;
  /** The worst value while open, when the evaluator knows it; absent: the higher of stored peak and value. */
  peakValue?: number | null;
}

export interface AlertFilter {
  status?: AlertStatus | 'all';
  hostName?: string;
  checkKey?: string;
  /** Alerts triggered at or after this time. */
  since?: Date;
  /** Newest first; default 50, 0 for no limit. */
  limit?: number;
}

export type CheckStatus = 'ok' | 'warning' | 'critical' | 'unknown';

/** Per host and check: what the evaluator remembers between runs (table `check_state`). */
export interface CheckState {
  hostId: number;
  checkId: number;
  status: CheckStatus;
  /** When `status` began. */
  since: Date;
  /**
   * The last evaluated statuses, oldest first, one letter each (o, w, c, u), at most 21 —
   * Nagios-style flap detection reads state changes from it.
   */
  history: string;
  flapping: boolean;
  evaluatedAt: Date;
  /** When an alert for this host and check was last resolved: cooldown starts there. */
  lastResolvedAt: Date | null;
  /**
   * Whether the opening of the currently open alert was notified. A quiet opening (cooldown,
   * flapping) is followed by a quiet resolve: nobody hears of an alert ending that they never heard begin.
   */
  openNotified: boolean;
  /**
   * When the open alert was last announced (its opening, a severity change, a repeat): the next
   * repeat notification is due `repeat_interval` after it. Null when no alert is open, or it is
   * unknown (then the alert's triggered_at stands in).
   */
  lastNotifiedAt?: Date | null;
}

/** Who holds a lease: the machine and process, so a run on the same machine can see it is gone. */
export interface LeaseHolder {
  host: string;
  pid: number;
}

/** A `leases` row. Holder fields are null on rows written before migration 005. */
export interface Lease {
  name: string;
  owner: string;
  expiresAt: Date;
  host: string | null;
  pid: number | null;
  acquiredAt: Date | null;
  renewedAt: Date | null;
}

export type NotificationEvent = 'open' | 'escalate' | 'deescalate' | 'resolve' | 'flapping' | 'flapping_end' | 'repeat';

/** What an outbox row carries: one transition, or a group of one check's many (an alert storm). */
export type OutboxEvent = NotificationEvent | 'group';

export interface NewNotification {
  alertId: number | null;
  /** Which configured notifier delivers it, e.g. `webhook:0`, `slack`, `email`, `command`. */
  channel: string;
  event: OutboxEvent;
  /** The message as every channel renders it (JSON-serialisable). */
  payload: Record<string, unknown>;
  createdAt: Date;
}

export interface Notification extends NewNotification {
  notificationId: number;
  attempts: number;
  lastError: string | null;
  deliveredAt: Date | null;
}
