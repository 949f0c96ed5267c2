// The one-file agent's quick path: a plain `collect …` command line, parsed from collect's declared
// options without commander (src/cli/collect-argv.ts) and run by the same runner and the same
// `collect` as `monitor collect` (src/cli/run-command.ts, src/commands/collect.ts).

import { parseCollectArgv } from './cli/collect-argv.js';
import type { RunIO } from './cli/io.js';
import { runCommand } from './cli/run-command.js';
import type { ExitCode } from './errors.js';

/** The exit code of a plain `collect` run; null when argv is anything else: the full program runs it then. */
export async function runPlainCollect(argv: string[], overrides: Partial<RunIO> = {}): Promise<ExitCode | null> {
  const parsed = parseCollectArgv(argv);
  if (!parsed) return null;
  return runCommand(argv, overrides, (execute) =>
    execute(parsed.globals, async (ctx) => (await import('./commands/collect.js')).collect(ctx, parsed.options)),
  );
}
