// run(argv) -> exit code. Builds the program, runs one command, and turns every error into an exit
// code and one clear line in exactly this place: 0 ok, 1 runtime failure, 2 bad usage or config.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { Command, CommanderError } from 'commander';
import { buildProgram } from './cli/program.js';
import type { GlobalOptions } from './cli/context.js';
import { isDebug } from './cli/debug.js';
import type { RunIO } from './cli/io.js';
import { systemClock } from './context.js';
import { MonitorError, type ExitCode } from './errors.js';
import { redactText } from './text/redact.js';

export type { RunIO } from './cli/io.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

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

export async function run(argv: string[], overrides: Partial<RunIO> = {}): Promise<ExitCode> {
  const io: RunIO = { ...defaultIO(), ...overrides };
  const signals = io.signal ? { signal: io.signal, dispose: () => {} } : processSignal();
  let exitCode: ExitCode = 0;
  let verbose = isDebug(io.env, argv.includes('--verbose') || argv.includes('-v'));
  // Filled from the config once it is loaded: the error printed below is scrubbed of them.
  const secrets: string[] = [];

  const program = buildProgram(packageVersion(), async (command: Command, body) => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    verbose = isDebug(io.env, globals.verbose);
    // Loaded here, not at the top: `--help` and usage errors never need the config machinery.
    const { createContext } = await import('./cli/context.js');
    const ctx = await createContext(io, globals, signals.signal, secrets);
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
    exitCode = reportError(error, io, verbose, secrets);
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

function reportError(error: unknown, io: RunIO, verbose: boolean, secrets: readonly string[]): ExitCode {
  const stderr = { write: (text: string) => void io.stderr.write(redactText(text, secrets)) };
  if (error instanceof CommanderError) {
    // Commander already printed its message (and the usage hint) to stderr.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    if (error.code === 'commander.help') return error.exitCode === 0 ? 0 : 2;
    return 2;
  }
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
    parts.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    if (parts.length > 5) break;
  }
  return parts.join('\ncaused by: ');
}
