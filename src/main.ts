// run(argv) -> exit code for the full `monitor` program: every command (src/cli/program.ts), run by
// the shared runner that turns errors into exit codes, stops and closed pipes (src/cli/run-program.ts).

import { readFileSync } from 'node:fs';
import { buildProgram } from './cli/program.js';
import type { RunIO } from './cli/io.js';
import { runProgram } from './cli/run-program.js';
import type { ExitCode } from './errors.js';

export type { RunIO } from './cli/io.js';

/** Defined by the bundle bin/monitor runs (scripts/build-cli.mjs), whose files sit in dist/bundle/, not next to package.json. */
declare const MONITOR_VERSION: string | undefined;

function packageVersion(): string {
  if (typeof MONITOR_VERSION === 'string') return MONITOR_VERSION;
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function run(argv: string[], overrides: Partial<RunIO> = {}): Promise<ExitCode> {
  return runProgram(argv, overrides, buildProgram, packageVersion());
}
