// runProgram(argv) -> exit code, for any program built from the shared commands: the full `monitor`
// (src/main.ts) and the one-file agent (src/agent-main.ts). Runs one command, and turns every error
// into an exit code and one clear line in exactly this place: 0 ok, 1 runtime failure, 2 bad usage
// or config. Imports nothing heavy: the one-file agent bundles this file.

import { homedir } from 'node:os';
import { Command, CommanderError } from 'commander';
import type { GlobalOptions } from './context.js';
import { isDebug } from './debug.js';
import type { RunIO } from './io.js';
import type { Execute } from './program.js';
import { systemClock } from '../context.js';
import { MonitorError, type ExitCode } from '../errors.js';

/** Declares a program's commands; `execute` runs a command body with its Context. */
export type BuildProgram = (version: string, execute: Execute) => Command;

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

/** SIGINT/SIGTERM abort long-running commands (serve, demo) so they can shut down cleanly. */
function processSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

export async function runProgram(
  argv: string[],
  overrides: Partial<RunIO>,
  buildProgram: BuildProgram,
  version: string,
): Promise<ExitCode> {
  const io: RunIO = { ...defaultIO(), ...overrides };
  const signals = io.signal ? { signal: io.signal, dispose: () => {} } : processSignal();
  let exitCode: ExitCode = 0;
  let verbose = isDebug(io.env, argv.includes('--verbose') || argv.includes('-v'));

  const program = buildProgram(version, async (command: Command, body) => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    verbose = isDebug(io.env, globals.verbose);
    // Loaded here, not at the top: `--help` and usage errors never need the config machinery.
    const { createContext } = await import('./context.js');
    const ctx = await createContext(io, globals, signals.signal);
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
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    exitCode = reportError(error, io, verbose);
  } finally {
    signals.dispose();
  }
  return exitCode;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((sub) => [sub, ...allCommands(sub)]);
}

/** "monitor alerts list" */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

function reportError(error: unknown, io: RunIO, verbose: boolean): ExitCode {
  if (error instanceof CommanderError) {
    // Commander already printed its message (and the usage hint) to stderr.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    if (error.code === 'commander.help') return error.exitCode === 0 ? 0 : 2;
    return 2;
  }
  if (error instanceof MonitorError) {
    const hint = error.hint ? ` — ${error.hint}` : '';
    io.stderr.write(`monitor: ${error.message}${hint}\n`);
    if (verbose) io.stderr.write(`${describeStack(error)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`monitor: unexpected error: ${message}${verbose ? '' : ' (run with --verbose for details)'}\n`);
  if (verbose) io.stderr.write(`${describeStack(error)}\n`);
  return 1;
}

function describeStack(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    parts.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    if (parts.length > 5) break;
  }
  return parts.join('\ncaused by: ');
}
