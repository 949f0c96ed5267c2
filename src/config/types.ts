// The validated, normalised configuration. YAML keys are snake_case; here they are camelCase.
// Durations are milliseconds, sizes bytes. See examples/monitor.yaml for every key with comments.

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
  /** `mysql://user:pass@host:3306/db`, `sqlite:/path/file.db`, or a plain file path. */
  url: string;
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
}

export interface CheckTypeConfig {
  name?: string;
  function?: string;
  params?: Record<string, unknown>;
  severity?: Severity;
  cooldownSeconds?: number;
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
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
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
}
