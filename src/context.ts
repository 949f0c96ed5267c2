// What every command receives. Dependencies come in; nothing reaches for globals (STYLE rule 3).

import type { Config } from './config/types.js';
import type { Store } from './store/store.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Where a command prints. Tests capture it; `color` is decided once (TTY, NO_COLOR, FORCE_COLOR). */
export interface Output {
  /** Standard output: results, tables, JSON, transition lines. */
  write(text: string): void;
  /** Standard error: warnings, progress, narration that is not the result. */
  error(text: string): void;
  readonly color: boolean;
  /** Whether standard output is a terminal. */
  readonly isTTY: boolean;
  /** Whether standard error is a terminal (logs are JSON lines when it is not). */
  readonly errorIsTTY: boolean;
}

export interface Context {
  config: Config;
  clock: Clock;
  log: Logger;
  out: Output;
  /** Standard input; only `demo --pause` reads it. */
  input: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  homedir: string;
  verbose: boolean;
  /** The config's secret values: anything printed, logged or stored is scrubbed of them (text/redact.ts). */
  secrets: readonly string[];
  /**
   * Opens the configured store; the caller closes it. By default a fresh database is migrated on
   * first use; `migrate: 'never'` leaves that to the caller (`monitor db migrate`).
   */
  openStore(options?: { migrate?: 'auto' | 'never' }): Promise<Store>;
  /** Aborted on SIGINT/SIGTERM, for long-running commands (serve, demo). */
  signal: AbortSignal;
}
