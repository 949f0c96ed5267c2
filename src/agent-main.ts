// The one-file agent's program (`npm run dist` bundles it into dist/monitor-agent.mjs): `collect`
// and `agent install`, declared by the same code as `monitor collect` and run by the same runner, so flags, config keys,
// environment variables, exit codes and the spool are the same. Only sending to a server is in it:
// one-box mode (writing to a database) needs the full package, and says so (src/agent/server-only.ts).

import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { addAgentCommand } from './cli/agent-command.js';
import { addCollectCommand, addGlobalOptions } from './cli/collect-command.js';
import type { RunIO } from './cli/io.js';
import type { Execute } from './cli/program.js';
import { runProgram } from './cli/run-program.js';
import type { ExitCode } from './errors.js';

/** Set by the bundler from package.json; absent when this file runs unbundled (tests through tsc's output). */
declare const MONITOR_AGENT_VERSION: string | undefined;

export function buildAgentProgram(version: string, execute: Execute): CommandUnknownOpts {
  const program = new Command('monitor-agent').description(
    'The monitor agent in one file: sample this host and send the report to the monitoring server.',
  );
  addGlobalOptions(program, version);
  addCollectCommand(program, execute);
  addAgentCommand(program, execute);
  return program;
}

export async function runAgent(argv: string[], overrides: Partial<RunIO> = {}): Promise<ExitCode> {
  const version = typeof MONITOR_AGENT_VERSION === 'string' ? MONITOR_AGENT_VERSION : 'dev';
  return runProgram(argv, overrides, buildAgentProgram, version);
}
