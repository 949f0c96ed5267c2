// run(argv) -> exit code for the full `monitor` program: every command (src/cli/program.ts), run by
// the shared runner that turns errors into exit codes, stops and closed pipes (src/cli/run-program.ts).

import { readFileSync } from 'node:fs';
import { buildProgram } from './cli/program.js';
import type { RunIO } from './cli/io.js';
import { runProgram } from './cli/run-program.js';
import type { ExitCode } from './errors.js';

export type { RunIO } from './cli/io.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function run(argv: string[], overrides: Partial<RunIO> = {}): Promise<ExitCode> {
  return runProgram(argv, overrides, buildProgram, packageVersion());
}
