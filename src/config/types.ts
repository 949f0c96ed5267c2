// The validated, normalised configuration. YAML keys are snake_case; here they are camelCase.
// Durations are milliseconds, sizes bytes. See examples/monitor.yaml for every key with comments.

import type { DatabaseTarget } from '../database-target/types.js';
import type { Severity } from '../store/types.js';

export interface Config {
  /** The file the config came from, or null when only built-in defaults (and the environment) apply. */
  file: string | null;
  /** Line of a key in `file` (path segments as in YAML, e.g. ['hosts', 'web-01', 'checks']), or null. */
  lineOf(path: readonly string[]): number | null;

  database: DatabaseConfig;
  server: ServerConfig;
  agent: AgentConfig;
  /** Additions to and overrides of the built-in `alert_types` catalogue, by check key. */
  checkTypes: Record<string, CheckTypeConfig>;
  /** What every host gets unless it overrides it, by check key. */
  defaultChecks: Record<string, HostCheckConfig>;
  /** Per-host checks and thresholds: the source of truth synced into `host_alert_checks`. */
  hosts: Record<string, HostConfig>;
  notify: NotifyConfig;
  /** Absolute paths (or package names) of modules exporting extra check functions. */
  plugins: string[];
  alerting: AlertingConfig;
}

export interface DatabaseConfig {
  /**
   * From `database.url` (`mysql://user:pass@host:3306/db`, `sqlite:/path/file.db`, or a plain file
   * path), with the password of `database.password`, `database.password_file` or
   * MONITOR_DATABASE_PASSWORD. Show it with databaseLocation(), which leaves the password out.
   */
  target: DatabaseTarget;
  poolSize: number;
  connectTimeoutMs: number;
}

export interface ServerConfig {
  listen: { host: string; port: number };
  /** Where agents send reports, e.g. http://monitor.example.com:8080. Null: agents write to the database. */
  url: string | null;
  maxBodyBytes: number;
  /** Slow or partial request bodies are cut off after this long. */
  requestTimeoutMs: number;
  /** HTTPS with this certificate and key (PEM files, re-read on SIGHUP); null: plain HTTP. */
  tls: { certFile: string; keyFile: string } | null;
  /** Bearer token that GET /metrics requires; null: /metrics is open to whoever reaches it. */
  metricsToken: string | null;
  /** /metrics (and /healthz) on an address of its own, and not on `listen`; null: on `listen`. */
  metricsListen: { host: string; port: number } | null;
  // The dashboard's settings are optional here (absent = the defaults: on, same address, no users).
  /** Whether serve serves the web dashboard and the read API (default true). */
  dashboard?: boolean;
  /** Serve the dashboard on this address instead of `listen` (then `listen` serves only the ingest API). */
  dashboardListen?: { host: string; port: number } | null;
  /** Dashboard users by name, with scrypt password hashes (`monitor users add`). */
  users?: Record<string, { passwordHash: string }>;
  /** Read-only API tokens by name: `sha256:<hex>` of the token (`monitor users token`). */
  apiTokens?: Record<string, string>;
}

export interface AgentConfig {
  hostName: string;
  hostKey: string | null;
  /** With no host key: register this host with it on the first run (POST /api/v1/register). */
  registrationToken: string | null;
  /** First run only (no saved /proc/stat counters yet): how long to sample CPU. */
  sampleWindowMs: number;
  /** Mount points whose usage is reported; disk_pct is the fullest of them. */
  mounts: string[];
  /** Saved CPU counters and the spool live here. */
  stateDir: string;
  spoolMaxBytes: number;
  spoolMaxAgeMs: number;
  /** Per HTTP request to the server. */
  timeoutMs: number;
  /** Spooled reports sent per request. */
  batchSize: number;
  /** PEM file of the CA that signed the server's certificate, trusted besides the system's CAs; null: system CAs only. */
  caFile: string | null;
}

export interface CheckTypeConfig {
  name?: string;
  function?: string;
  params?: Record<string, unknown>;
  severity?: Severity;
  cooldownSeconds?: number;
  /** Repeat notifications of this type's open alerts; overrides alerting.repeat_interval (0: none). */
  repeatIntervalMs?: number;
}

export interface HostCheckConfig {
  enabled: boolean;
  /** Overrides of the check type's default params, as written (validated against the check function). */
  params: Record<string, unknown>;
}

export interface HostConfig {
  description: string | null;
  checks: Record<string, HostCheckConfig>;
}

export interface NotifyConfig {
  webhooks: WebhookConfig[];
  slack: SlackConfig | null;
  email: EmailConfig | null;
  commands: CommandNotifierConfig[];
}

export interface WebhookConfig {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

export interface SlackConfig {
  webhookUrl: string;
  timeoutMs: number;
}

export interface EmailConfig {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS, required unless `insecure`. */
  secure: boolean;
  /** Allow a plaintext session (no STARTTLS): only for a relay on a trusted network. Absent: false. */
  insecure?: boolean;
  user: string | null;
  password: string | null;
  from: string;
  to: string[];
  timeoutMs: number;
}

export interface CommandNotifierConfig {
  /** Run with /bin/sh -c; the notification arrives as JSON on stdin. */
  run: string;
  timeoutMs: number;
  /** Extra environment variables; the command gets only PATH, LANG, HOME, the MONITOR_* event ones and these. */
  env?: Record<string, string>;
}

export interface AlertingConfig {
  /** Nagios-style flap detection over the last `flapWindow` states. Percentages of weighted changes. */
  flapWindow: number;
  flapHighPct: number;
  flapLowPct: number;
  /** How long a `check` run's lease lasts before another run may take over. */
  leaseTtlMs: number;
  /** A failing notification is retried on later runs up to this many attempts. */
  maxNotifyAttempts: number;
  /** A metric sample older than this is not "current": no data, status unknown. */
  sampleMaxAgeMs: number;
  /** An open, unacknowledged alert is notified again this often; 0: never. */
  repeatIntervalMs: number;
  /** More announced transitions than this of one check in one run go out as one grouped message per channel. */
  groupThreshold: number;
}
