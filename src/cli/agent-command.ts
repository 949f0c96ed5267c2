// `monitor agent install`'s declaration: in the full program and in the one-file agent (src/agent-main.ts).

import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { declared, durationOption } from './options.js';
import type { Execute } from './program.js';

export function addAgentCommand(program: CommandUnknownOpts, execute: Execute): void {
  const agent = program.command('agent').description('set this host up as an agent');
  agent
    .command('install')
    .description(
      'write the agent config, state dir and a dedicated system user; print (or with --systemd/--cron write) what runs `collect` every interval',
    )
    .requiredOption('--server <url>', 'the monitoring server, e.g. http://monitor.example.com:8080')
    .requiredOption('--name <host>', "this host's name, as the server will know it")
    .option('--key <key>', 'its host key (from `monitor hosts add NAME`)')
    .option('--token <token>', 'or a registration token (from `monitor tokens add NAME`): the first run registers the host')
    .option('--interval <age>', 'how often to report (default 1m)', durationOption)
    .option('--systemd', `write a systemd service + timer and start the timer`)
    .option('--cron', 'write /etc/cron.d/monitor-agent')
    .option('--user <name>', 'the system user it runs as (created when missing; default monitor)')
    .option('--root <dir>', 'install under this directory instead of / (building an image)')
    .option('--force', 'replace an existing agent config')
    .option('--dry-run', 'print what it would do and write nothing')
    .addHelpText(
      'after',
      '\nOne line on a new server:\n  sudo node monitor-agent.mjs agent install --server http://monitor:8080 --name web-01 --token mrt_... --systemd',
    )
    .action(async (opts, cmd) =>
      execute(cmd, async (ctx) => (await import('../commands/agent/install.js')).agentInstall(ctx, declared(opts))),
    );
}
