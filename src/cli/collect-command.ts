// `monitor collect`'s declaration and the global options, apart from the other commands: the one-file agent
// (src/agent-main.ts) declares it too, with the same flags and help, without bundling the rest.

import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { declared } from './options.js';
import type { Execute } from './program.js';

export function addCollectCommand(program: CommandUnknownOpts, execute: Execute): void {
  program
    .command('collect')
    .description(
      'sample this host (CPU %, memory %, disk %, load) and send the report to the server, or write it to the database when no server URL is configured',
    )
    .option('--dataset <name>', 'pipeline dataset this report is about')
    .option('--partition <key>', 'the dataset partition just produced (e.g. 2026-11-29)')
    .option('--files <n>', 'how many files the partition holds')
    .option('--first-event <time>', 'time of the first event in the partition (ISO-8601 with zone)')
    .option('--last-event <time>', 'time of the last event in the partition (ISO-8601 with zone)')
    .option('--no-metrics', 'send only the pipeline facts, no CPU/memory/disk')
    .option('--print', 'print the report as JSON and send nothing')
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
    .option(
      '-c, --config <path>',
      'config file (default: $MONITOR_CONFIG, ./monitor.yaml, ~/.config/monitor/monitor.yaml, /etc/monitor/monitor.yaml)',
    )
    .option('-v, --verbose', 'show debug output and stack traces (also DEBUG=monitor)')
    .showHelpAfterError('(run with --help for details)')
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false });
}
