// Typed errors users can cause. They are thrown anywhere and turned into an exit code and one
// printed line in exactly one place (src/main.ts). `message` says what failed; `hint` says what to do.

/** 130 and 143 are the shell's codes for SIGINT and SIGTERM; 141 for SIGPIPE (standard output closed). */
export type ExitCode = 0 | 1 | 2 | 130 | 141 | 143;

export abstract class MonitorError extends Error {
  abstract readonly exitCode: Exclude<ExitCode, 0>;
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Bad flag, bad argument, missing confirmation: exit 2. */
export class UsageError extends MonitorError {
  readonly exitCode = 2 as const;
}

/** One or more problems in a config file. Each issue names the key, the file and the line: exit 2. */
export interface ConfigIssue {
  /** Dotted key path, e.g. `hosts.web-01.checks.disk_space.crit`. */
  key: string;
  message: string;
  file: string | null;
  line: number | null;
}

export class ConfigError extends MonitorError {
  readonly exitCode = 2 as const;
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[], options: { hint?: string; cause?: unknown } = {}) {
    super(issues.map(formatConfigIssue).join('\n'), options);
    this.issues = issues;
  }
}

export function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.file ? `${issue.file}${issue.line ? `:${issue.line}` : ''}: ` : '';
  return `${where}${issue.key ? `${issue.key}: ` : ''}${issue.message}`;
}

/** A host, alert or check named by the user does not exist: exit 1. */
export class NotFoundError extends MonitorError {
  readonly exitCode = 1 as const;
}

/** The thing already exists (host name taken): exit 1, nothing changed. */
export class ConflictError extends MonitorError {
  readonly exitCode = 1 as const;
}

/** A database, server or notifier could not be reached: exit 1. */
export class UnavailableError extends MonitorError {
  readonly exitCode = 1 as const;
}

/** The server refused what we sent (bad key, bad report): exit 1, not retried. */
export class RejectedError extends MonitorError {
  readonly exitCode = 1 as const;
  readonly status: number;

  constructor(message: string, status: number, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.status = status;
  }
}

/** A second open alert for the same host and check: the database refused it (someone already opened it). */
export class DuplicateOpenAlertError extends MonitorError {
  readonly exitCode = 1 as const;
}

/**
 * The database node cannot take work right now: a Galera node that is joining, desynced or cut off
 * from its cluster (1047), or a statement the server interrupted (1317). An outage (exit 1, HTTP
 * 503), but a short one: the store retries it like a conflict, within the caller's deadline.
 */
export class NodeNotReadyError extends UnavailableError {}

/** Deadlock or certification failure: the whole transaction may be retried. */
export class RetryableTransactionError extends MonitorError {
  readonly exitCode = 1 as const;
}

/** Why a run was stopped from outside. */
export type StopCause = 'SIGINT' | 'SIGTERM' | 'stdout closed';

const STOP_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, 'stdout closed': 141 } as const;

/**
 * The run was stopped from outside: Ctrl-C (SIGINT, exit 130), SIGTERM (143), or its standard output
 * closed under it (`monitor alerts list | head -3`: 141, as a process killed by SIGPIPE; printed as
 * nothing at all, since the reader has gone on purpose).
 */
export class StoppedError extends MonitorError {
  readonly exitCode: 130 | 141 | 143;
  readonly stopCause: StopCause;

  constructor(stopCause: StopCause, options: { hint?: string; cause?: unknown } = {}) {
    super(`stopped by ${stopCause}`, options);
    this.stopCause = stopCause;
    this.exitCode = STOP_EXIT_CODES[stopCause];
  }
}
