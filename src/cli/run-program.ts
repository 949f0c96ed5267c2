// runProgram(argv) -> exit code, for any program built from the shared commands: the full `monitor`
// (src/main.ts) and the one-file agent (src/agent-main.ts). Runs one command, and turns every error
// into an exit code and one clear line in exactly this place: 0 ok, 1 runtime failure, 2 bad usage
// or config, 130/143 stopped by SIGINT/SIGTERM, 141 (silently) standard output closed. Imports
// nothing heavy: the one-file agent bundles this file.

import { homedir } from 'node:os';
import { CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { GlobalOptions } from './context.js';
import { isDebug } from './debug.js';
import type { RunIO } from './io.js';
import type { Execute } from './program.js';
import { watchStops } from './stops.js';
import { systemClock } from '../context.js';
import { MonitorError, StoppedError, type ExitCode } from '../errors.js';
import { redactText } from '../text/redact.js';

/** Declares a program's commands; `execute` runs a command body with its Context. */
export type BuildProgram = (version: string, execute: Execute) => CommandUnknownOpts;

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

export async function runProgram(
  argv: string[],
  overrides: Partial<RunIO>,
  buildProgram: BuildProgram,
  version: string,
): Promise<ExitCode> {
  const io: RunIO = { ...defaultIO(), ...overrides };
  let stopsItself = false;
  const stops = watchStops({ ...(io.signal ? { external: io.signal } : {}), stopsItself: () => stopsItself });
  let exitCode: ExitCode = 0;
  let verbose = isDebug(io.env, argv.includes('--verbose') || argv.includes('-v'));
  // Filled from the config once it is loaded: the error printed below is scrubbed of them.
  const secrets: string[] = [];

  const program = buildProgram(version, async (command, body, options = {}) => {
    stopsItself = options.stopsItself === true;
    const globals = command.optsWithGlobals() as GlobalOptions;
    verbose = isDebug(io.env, globals.verbose);
    // Loaded here, not at the top: `--help` and usage errors never need the config machinery.
    const { createContext } = await import('./context.js');
    const ctx = await createContext(io, globals, stops.signal, secrets);
    await body(ctx);
  });
  for (const command of [program, ...allCommands(program)]) {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      // A usage mistake shows the usage of the command it was made in, not only a pointer to --help.
      outputError: (text, write) => write(`${text}Usage: ${commandPath(command)} ${command.usage()}\n`),
    });
  }

  try {
    const parsed = program.parseAsync(argv, { from: 'user' });
    parsed.catch(() => undefined); // when abandoned at the stop deadline, its later failure is moot
    const abandoned = await Promise.race([parsed.then(() => null), stops.overdue]);
    if (abandoned) exitCode = reportError(abandoned, io, verbose, secrets);
  } catch (error) {
    // After a stop, whatever the command failed with (a destroyed request, a closed pool) is its echo.
    exitCode = reportError(stops.signal.aborted && !(error instanceof StoppedError) ? stops.signal.reason : error, io, verbose, secrets);
  } finally {
    stops.dispose();
  }
  return exitCode;
}

function allCommands(command: CommandUnknownOpts): CommandUnknownOpts[] {
  return command.commands.flatMap((sub) => [sub, ...allCommands(sub)]);
}

/** "monitor alerts list" */
function commandPath(command: CommandUnknownOpts): string {
  const names: string[] = [];
  for (let current: CommandUnknownOpts | null = command; current; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

function reportError(error: unknown, io: RunIO, verbose: boolean, secrets: readonly string[]): ExitCode {
  const stderr = { write: (text: string) => void io.stderr.write(redactText(text, secrets)) };
  if (error instanceof CommanderError) {
    // Commander already printed its message (and the usage hint) to stderr.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    if (error.code === 'commander.help') return error.exitCode === 0 ? 0 : 2;
    return 2;
  }
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
