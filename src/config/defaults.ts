// Built-in settings: what a fresh machine runs with when there is no config file at all.

import type { AlertingConfig, Config, HostCheckConfig } from './types.js';
import { defaultDirs } from './locate.js';
import type { Env } from './locate.js';
import { ANY_HOST } from './listen.js';

/** The checks every host gets when the config has no `default_checks`. */
const BUILT_IN_DEFAULT_CHECKS = ['cpu_usage', 'memory_usage', 'disk_space', 'host_silent'] as const;

export interface DefaultsContext {
  env: Env;
  homedir: string;
  /** This machine's name: the agent reports as it unless told otherwise. */
  hostname: string;
}

export type Settings = Omit<Config, 'file' | 'lineOf'>;

const MIB = 1024 * 1024;

export const DEFAULT_ALERTING: AlertingConfig = {
  // Nagios' defaults: 21 states, start flapping above 20% changes, stop below 5%.
  flapWindow: 21,
  flapHighPct: 20,
  flapLowPct: 5,
  // Renewed every third of it while a run works: a run that died elsewhere is taken over within a minute.
  leaseTtlMs: 60_000,
  maxNotifyAttempts: 10,
  // Prometheus' lookback, and host_silent's default: a sample is current no longer than a host
  // counts as reporting, so stale data cannot open or escalate alerts for twice as long.
  sampleMaxAgeMs: 5 * 60_000,
  // Alertmanager's default.
  repeatIntervalMs: 4 * 3_600_000,
  groupThreshold: 10,
};

export function builtInDefaultChecks(): Record<string, HostCheckConfig> {
  return Object.fromEntries(BUILT_IN_DEFAULT_CHECKS.map((key) => [key, { enabled: true, params: {} }]));
}

export function defaultSettings(context: DefaultsContext): Settings {
  const dirs = defaultDirs(context.env, context.homedir);
  return {
    database: { target: { kind: 'sqlite', path: dirs.databaseFile }, poolSize: 10, connectTimeoutMs: 5_000 },
    server: {
      listen: { host: ANY_HOST, port: 8080 },
      url: null,
      maxBodyBytes: MIB,
      requestTimeoutMs: 10_000,
      tls: null,
      metricsToken: null,
      metricsListen: null,
    },
    agent: {
      hostName: context.hostname,
      hostKey: null,
      registrationToken: null,
      sampleWindowMs: 1_000,
      mounts: ['/'],
      stateDir: dirs.stateDir,
      spoolMaxBytes: 10 * MIB,
      spoolMaxAgeMs: 7 * 86_400_000,
      timeoutMs: 10_000,
      batchSize: 500,
      caFile: null,
    },
    checkTypes: {},
    defaultChecks: builtInDefaultChecks(),
    hosts: {},
    notify: { webhooks: [], slack: null, email: null, commands: [] },
    plugins: [],
    alerting: { ...DEFAULT_ALERTING },
  };
}

/** Timeouts of notifiers when the config does not give one. */
export const DEFAULT_NOTIFY_TIMEOUT_MS = 10_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
export const DEFAULT_SMTP_PORT = 587;
