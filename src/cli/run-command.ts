// runCommand(argv, start) -> exit code: the part of the shared runner that knows no command-line
// parser. It builds the Context a command body runs with, and turns every error into an exit code and
// one clear line in exactly this place: 0 ok, 1 runtime failure, 2 bad usage or config, 130/143
// stopped by SIGINT/SIGTERM, 141 (silently) standard output closed. runProgram (run-program.ts) runs a
// commander program with it; the one-file agent's quick path (src/agent-collect.ts) runs a plain
// `collect` with it, without loading commander. Imports nothing heavy.

import { homedir } from 'node:os';
import type { GlobalOptions } from './context.js';
import { isDebug } from './debug.js';
import type { RunIO } from './io.js';
import { watchStops } from './stops.js';
import { systemClock, type Context } from '../context.js';
import { MonitorError, StoppedError, type ExitCode } from '../errors.js';
import { redactText } from '../text/redact.js';

/** Runs a command body with a Context built from the global options; see Execute (program.ts). */
export type RunBody = (
  globals: GlobalOptions,
  body: (ctx: Context) => Promise<unknown>,
  options?: { stopsItself?: boolean },
) => Promise<void>;

/**
 * How the caller's parser reads an error it raised (a usage mistake, --help): the exit code, having
 * printed what it had to; undefined for errors that are not its own.
 */
export type ParserExitCode = (error: unknown) => ExitCode | undefined;

function defaultIO(): RunIO {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    homedir: homedir(),
    clock: systemClock,
  };
}

/**
 * Runs `start` — a parsed command line that calls `execute` with its command's body, and writes to
 * `io` what the parser itself prints — and returns the exit code. `parserExitCode` reads the parser's
 * own errors (commander's).
 */
export async function runCommand(
  argv: readonly string[],
  overrides: Partial<RunIO>,
  start: (execute: RunBody, io: RunIO) => Promise<unknown>,
  parserExitCode: ParserExitCode = () => undefined,
): Promise<ExitCode> {
  const io: RunIO = { ...defaultIO(), ...overrides };
  let stopsItself = false;
  const stops = watchStops({ ...(io.signal ? { external: io.signal } : {}), stopsItself: () => stopsItself });
  let exitCode: ExitCode = 0;
  let verbose = isDebug(io.env, argv.includes('--verbose') || argv.includes('-v'));
  // Filled from the config once it is loaded: the error printed below is scrubbed of them.
  const secrets: string[] = [];

  const execute: RunBody = async (globals, body, options = {}) => {
    stopsItself = options.stopsItself === true;
    verbose = isDebug(io.env, globals.verbose);
    // Loaded here, not at the top: `--help` and usage errors never need the config machinery.
    const { createContext } = await import('./context.js');
    const ctx = await createContext(io, globals, stops.signal, secrets);
    await body(ctx);
  };

  try {
    const started = start(execute, io);
    started.catch(() => undefined); // when abandoned at the stop deadline, its later failure is moot
    const abandoned = await Promise.race([started.then(() => null), stops.overdue]);
    if (abandoned) exitCode = reportError(abandoned, io, verbose, secrets, parserExitCode);
  } catch (error) {
    // After a stop, whatever the command failed with (a destroyed request, a closed pool) is its echo.
    exitCode = reportError(
      stops.signal.aborted && !(error instanceof StoppedError) ? stops.signal.reason : error,
      io,
      verbose,
      secrets,
      parserExitCode,
    );
  } finally {
    stops.dispose();
  }
  return exitCode;
}

function reportError(error: unknown, io: RunIO, verbose: boolean, secrets: readonly string[], parserExitCode: ParserExitCode): ExitCode {
  const stderr = { write: (text: string) => void io.stderr.write(redactText(text, secrets)) };
  const parserCode = parserExitCode(error);
  if (parserCode !== undefined) return parserCode;
  if (error instanceof StoppedError && error.stopCause === 'stdout closed') return error.exitCode; // its reader left on purpose
  if (error instanceof MonitorError) {
    const hint = error.hint ? ` — ${error.hint}` : '';
    stderr.write(`monitor: ${error.message}${hint}\n`);
    if (verbose) stderr.write(`${describeStack(error)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`monitor: unexpected error: ${message}${verbose ? '' : ' (run with --verbose for details)'}\n`);
  if (verbose) stderr.write(`${describeStack(error)}\n`);
  return 1;
}

function describeStack(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    // A thrown non-Error is shown as String() shows it: any value can be thrown.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    parts.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    if (parts.length > 5) break;
  }
  return parts.join('\ncaused by: ');
}
