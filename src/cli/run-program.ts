// runProgram(argv) -> exit code, for any program built from the shared commands: the full `monitor`
// (src/main.ts) and the one-file agent (src/agent-main.ts). Parses the command line with commander
// and runs the command through the shared runner (run-command.ts), which turns every error into an
// exit code; commander's own errors (usage mistakes, --help, --version) are read here. Imports nothing
// heavy: the one-file agent bundles this file.

import { CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { RunIO } from './io.js';
import type { Execute } from './program.js';
import { runCommand } from './run-command.js';
import type { ExitCode } from '../errors.js';

/** Declares a program's commands; `execute` runs a command body with its Context. */
export type BuildProgram = (version: string, execute: Execute) => CommandUnknownOpts;

export async function runProgram(
  argv: string[],
  overrides: Partial<RunIO>,
  buildProgram: BuildProgram,
  version: string,
): Promise<ExitCode> {
  return runCommand(
    argv,
    overrides,
    async (run, io) => {
      const program = buildProgram(version, (command, body, options) => run(command.optsWithGlobals(), body, options));
      for (const command of [program, ...allCommands(program)]) {
        command.exitOverride();
        command.configureOutput({
          writeOut: (text) => void io.stdout.write(text),
          writeErr: (text) => void io.stderr.write(text),
          // A usage mistake shows the usage of the command it was made in, not only a pointer to --help.
          outputError: (text, write) => write(`${text}Usage: ${commandPath(command)} ${command.usage()}\n`),
        });
      }
      await program.parseAsync(argv, { from: 'user' });
    },
    commanderExitCode,
  );
}

/** Commander already printed its message (and the usage hint) to stderr. */
function commanderExitCode(error: unknown): ExitCode | undefined {
  if (!(error instanceof CommanderError)) return undefined;
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
  if (error.code === 'commander.help') return error.exitCode === 0 ? 0 : 2;
  return 2;
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
