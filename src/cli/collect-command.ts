// `monitor collect`'s declaration and the global options, apart from the other commands: the one-file agent
// (src/agent-main.ts) declares it too, with the same flags and help, without bundling the rest. The
// flags themselves are in collect-flags.ts, which the agent's quick path reads too.

import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { COLLECT_OPTIONS, GLOBAL_OPTIONS } from './collect-flags.js';
import { declared } from './options.js';
import type { Execute } from './program.js';

export function addCollectCommand(program: CommandUnknownOpts, execute: Execute): void {
  const o = COLLECT_OPTIONS;
  program
    .command('collect')
    .description(
      'sample this host (CPU %, memory %, disk %, load) and send the report to the server, or write it to the database when no server URL is configured',
    )
    .option(...o.dataset)
    .option(...o.partition)
    .option(...o.files)
    .option(...o.firstEvent)
    .option(...o.lastEvent)
    .option(...o.metrics)
    .option(...o.print)
    .addHelpText(
      'after',
      '\nRun it from cron every minute:\n  * * * * * monitor collect\nUnsent reports are spooled in agent.state_dir and sent first on the next run.',
    )
    .action(async (opts, cmd) => execute(cmd, async (ctx) => (await import('../commands/collect.js')).collect(ctx, declared(opts))));
}

/** -V, -c, -v and the help behaviour every program built on the shared runner has. */
export function addGlobalOptions(program: CommandUnknownOpts, version: string): void {
  program
    .version(version, '-V, --version', 'print the version')
    .option(...GLOBAL_OPTIONS.config)
    .option(...GLOBAL_OPTIONS.verbose)
    .showHelpAfterError('(run with --help for details)')
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false });
}
