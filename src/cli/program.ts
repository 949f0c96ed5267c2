// Declares every command and its help. Each action lazily imports one module per command
// (src/commands/<path>.ts), so `monitor --help` and `monitor collect` load only what they use.

import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { Context } from '../context.js';
import { alertIdArgument, repeatable, durationOption, positiveIntOption, momentOption, declared } from './options.js';
import { addAgentCommand } from './agent-command.js';
import { addCollectCommand, addGlobalOptions } from './collect-command.js';

/**
 * Runs a command body with a Context built from the global options. `stopsItself`: the command ends
 * cleanly on its own at SIGINT/SIGTERM (ctx.signal), however long that takes; others are given up
 * shortly after the signal (src/cli/stops.ts).
 */
export type Execute = (
  command: CommandUnknownOpts,
  body: (ctx: Context) => Promise<unknown>,
  options?: { stopsItself?: boolean },
) => Promise<void>;

// Options are typed from their declarations (@commander-js/extra-typings). Each action hands them on
// as declared(opts), every key present, and each command's options type lists its keys as required,
// so a flag renamed on one side only is a compile error instead of an option that silently stays unset.
export function buildProgram(version: string, execute: Execute): CommandUnknownOpts {
  const program = new Command('monitor').description('Server and data-pipeline monitoring: agent, ingest API, SQL storage and alerts.');
  addGlobalOptions(program, version);
  // Only the full program has a database of its own to point at (the one-file agent sends to a server).
  program.option(
    '--database <url>',
    'use this database, over database.url and $MONITOR_DATABASE_URL (sqlite:PATH or mysql://user@host:3306/db)',
  );

  addCollectCommand(program, execute);
  addAgentCommand(program, execute);

  program
    .command('serve')
    .description('run the HTTP ingest API that remote agents post reports to')
    .option('--listen <host:port>', 'address to listen on (default: server.listen, 0.0.0.0:8080)')
    .addHelpText('after', '\nEndpoints: POST /api/v1/reports, GET /healthz, GET /metrics. Stops cleanly on SIGTERM/SIGINT.')
    .action(async (opts, cmd) =>
      execute(cmd, async (ctx) => (await import('../commands/serve.js')).serve(ctx, declared(opts)), { stopsItself: true }),
    );

  program
    .command('check')
    .description('evaluate every enabled host check once; open and resolve alerts on state changes; notify')
    .option('--dry-run', 'evaluate and print transitions, change nothing, notify nobody')
    .option('--host <name>', 'only this host')
    .option(
      '--at <time>',
      'replay: evaluate as of this moment on the stored data, read-only (implies --dry-run; ISO-8601 or an age like 2h)',
      momentOption,
    )
    .option('--json', 'print the transitions as JSON')
    .addHelpText(
      'after',
      "\nPrints one line per transition, e.g.\n  🚨 NEW ALERT #15: Disk Space - Host 'storage-server-04' disk usage critical: 92%\n  ✅ RESOLVED: Disk Space - Host 'storage-server-04' disk usage normal: 45%\nExit 0 when it ran, whatever it found; 1 when it could not run.",
    )
    .action(async (opts, cmd) => execute(cmd, async (ctx) => (await import('../commands/check.js')).check(ctx, declared(opts))));

  const alerts = program.command('alerts').description('list, show, acknowledge and close alerts');
  alerts
    .command('list')
    .description('table of alerts, newest first')
    .addOption(new Option('--status <status>', 'which alerts').choices(['open', 'resolved', 'all']).default('all'))
    .option('--host <name>', 'only this host')
    .option('--check <key>', 'only this check (e.g. disk_space)')
    .option('--since <age>', 'triggered within this long (e.g. 24h, 7d)', durationOption)
    .option('--limit <n>', 'at most this many (default 50)', positiveIntOption)
    .option('--json', 'print JSON (times in UTC)')
    .action(async (opts, cmd) => execute(cmd, async (ctx) => (await import('../commands/alerts/list.js')).alertsList(ctx, declared(opts))));
  alerts
    .command('show')
    .description('everything about one alert')
    .argument('<id>', 'alert id', alertIdArgument)
    .option('--json', 'print JSON')
    .action(async (id, opts, cmd) =>
      execute(cmd, async (ctx) => (await import('../commands/alerts/show.js')).alertsShow(ctx, id, declared(opts))),
    );
  alerts
    .command('ack')
    .description('acknowledge an alert: no more repeat notifications for it (its resolve is still announced)')
    .argument('<id>', 'alert id', alertIdArgument)
    .option('--json', 'print JSON')
    .action(async (id, opts, cmd) =>
      execute(cmd, async (ctx) => (await import('../commands/alerts/ack.js')).alertsAck(ctx, id, declared(opts))),
    );

  alerts
    .command('close')
    .description('close an open alert by hand (announced as closed by hand, like a resolve)')
    .argument('<id>', 'alert id', alertIdArgument)
    .option('--reason <text>', "why, kept in the alert's resolve message")
    .option('--json', 'print JSON')
    .action(async (id, opts, cmd) =>
      execute(cmd, async (ctx) => (await import('../commands/alerts/close.js')).alertsClose(ctx, id, declared(opts))),
    );

  const hosts = program.command('hosts').description('register hosts and manage their keys');
  hosts
    .command('add')
    .description('register a host and print its new key once (only a hash is stored)')
    .argument('<name>', 'host name, as its agent reports it')
    .option('--description <text>', 'what this host is')
    .option('--json', 'print JSON, including host_key')
    .action(async (name, opts, cmd) =>
      execute(cmd, async (ctx) => (await import('../commands/hosts/add.js')).hostsAdd(ctx, name, declared(opts))),
    );
  hosts
    .command('list')
    .description('every host: last seen, latest metrics, open alerts, silent flag')
    .option('--json', 'print JSON')
    .action(async (opts, cmd) => execute(cmd, async (ctx) => (await import('../commands/hosts/list.js')).hostsList(ctx, declared(opts))));
  hosts
    .command('rotate-key')
    .description('give a host a new key; the old one stops working')
    .argument('<name>', 'host name')
    .option('--json', 'print JSON, including host_key')
    .action(async (name, opts, cmd) =>
      execute(cmd, async (ctx) => (await import('../commands/hosts/rotate-key.js')).hostsRotateKey(ctx, name, declared(opts))),
    );
  hosts
    .command('remove')
    .description('remove a host and all its data (samples, checks, alerts)')
    .argument('<name>', 'host name')
    .option('--yes', 'really remove it')
    .option('--json', 'print JSON')
    .action(async (name, opts, cmd) =>
      execute(cmd, async (ctx) => (await import('../commands/hosts/remove.js')).hostsRemove(ctx, name, declared(opts))),
    );

  const tokens = program.command('tokens').description('registration tokens with which agents register themselves');
  tokens
    .command('add')
    .description('make a registration token and print it once (only a hash is stored)')
    .argument('<name>', 'what the token is for, e.g. web-fleet (shown in `hosts list`)')
    .option('--expires <age>', 'stop accepting it after this long, e.g. 7d (default: never)', durationOption)
    .option('--allow-reregister', 'let it take over a host name that already exists (a rebuilt server)')
    .option('--json', 'print JSON, including the token')
    .action(async (name, opts, cmd) =>
      execute(cmd, async (ctx) => (await import('../commands/tokens/add.js')).tokensAdd(ctx, name, declared(opts))),
    );
  tokens
    .command('list')
    .description('every registration token: status, expiry, uses (never the token)')
    .option('--json', 'print JSON')
    .action(async (opts, cmd) => execute(cmd, async (ctx) => (await import('../commands/tokens/list.js')).tokensList(ctx, declared(opts))));
  tokens
    .command('revoke')
    .description('stop accepting a registration token (hosts it registered keep their keys)')
    .argument('<name>', 'token name')
    .option('--json', 'print JSON')
    .action(async (name, opts, cmd) =>
      execute(cmd, async (ctx) => (await import('../commands/tokens/revoke.js')).tokensRevoke(ctx, name, declared(opts))),
    );

  const checks = program.command('checks').description('which checks each host runs, with which thresholds');
  checks
    .command('assign')
    .description('enable a check for a host with per-host params; edits the YAML config (keeping comments) and syncs it')
    .argument('<host>', 'host name')
    .argument('<check>', 'check key, e.g. disk_space (see `monitor checks types`)')
    .option('--set <key=value>', 'a param, e.g. --set crit=85 --set for=5m (repeatable)', repeatable, [])
    .option('--unset <key>', 'drop a per-host param, back to the default (repeatable)', repeatable, [])
    .option('--disable', 'turn the check off for this host')
    .option('--enable', 'turn it back on')
    .option('--json', 'print JSON')
    .action(async (host, check, opts, cmd) =>
      execute(cmd, async (ctx) => (await import('../commands/checks/assign.js')).checksAssign(ctx, host, check, declared(opts))),
    );
  checks
    .command('sync')
    .description("write the config's default_checks and hosts into host_alert_checks (also done by `monitor check`)")
    .option('--dry-run', 'print what would be added, changed and disabled')
    .option('--json', 'print JSON')
    .action(async (opts, cmd) => execute(cmd, async (ctx) => (await import('../commands/checks/sync.js')).checksSync(ctx, declared(opts))));
  checks
    .command('list')
    .description('the effective thresholds of every host check')
    .argument('[host]', 'only this host')
    .option('--json', 'print JSON')
    .action(async (host, opts, cmd) =>
      execute(cmd, async (ctx) => (await import('../commands/checks/list.js')).checksList(ctx, host, declared(opts))),
    );
  checks
    .command('types')
    .description('the catalogue of check types (alert_types) and their default params')
    .option('--json', 'print JSON')
    .action(async (opts, cmd) =>
      execute(cmd, async (ctx) => (await import('../commands/checks/types.js')).checksTypes(ctx, declared(opts))),
    );

  const db = program.command('db').description('schema and retention');
  db.command('migrate')
    .description('create or upgrade the schema (versioned files under sql/)')
    .option('--json', 'print JSON')
    .action(async (opts, cmd) => execute(cmd, async (ctx) => (await import('../commands/db/migrate.js')).dbMigrate(ctx, declared(opts))));
  db.command('prune')
    .description('delete old samples in small batches (and, if asked, old resolved alerts)')
    .requiredOption('--older-than <age>', 'delete samples collected longer ago than this, e.g. 30d', durationOption)
    .option(
      '--alerts-older-than <age>',
      'also delete alerts resolved longer ago than this, and notifications sent as long ago',
      durationOption,
    )
    .option('--batch-size <n>', 'rows per DELETE (default 5000)', positiveIntOption)
    .option('--json', 'print JSON')
    .action(async (opts, cmd) => execute(cmd, async (ctx) => (await import('../commands/db/prune.js')).dbPrune(ctx, declared(opts))));

  const users = program.command('users').description('who may open the web dashboard, and read-only API tokens');
  users
    .command('add')
    .description('add a dashboard user (or change their password): asks for the password, writes its scrypt hash to the config')
    .argument('<name>', 'user name')
    .option('--json', 'print JSON')
    .action(async (name, opts, cmd) =>
      execute(cmd, async (ctx) => (await import('../commands/users/add.js')).usersAdd(ctx, name, declared(opts))),
    );
  users
    .command('token')
    .description('a new read-only API token for scripts (GET /api/v1/...): printed once, its hash written to the config')
    .argument('<name>', 'what the token is for, e.g. grafana')
    .option('--json', 'print JSON')
    .action(async (name, opts, cmd) =>
      execute(cmd, async (ctx) => (await import('../commands/users/token.js')).usersToken(ctx, name, declared(opts))),
    );

  program
    .command('demo')
    .description('the whole story in one command: four simulated servers report through the real API, alerts open and resolve')
    .option('--pause', 'wait for Enter between steps (for a live presentation)')
    .option('--serve', 'then keep the server running and print the dashboard URL (Ctrl-C stops)')
    .addHelpText(
      'after',
      '\nWrites to the default embedded database when it holds nothing but an earlier demo (so `monitor alerts list` shows the story), else to its own file.\nWith --database URL it writes there, and refuses a database holding hosts or alerts it did not make.',
    )
    .action(async (opts, cmd) =>
      // The demo tells a --database given on its command line apart from the configured database.
      execute(cmd, async (ctx) =>
        (await import('../commands/demo.js')).demo(ctx, {
          ...declared(opts),
          database: (cmd.optsWithGlobals() as { database?: string }).database,
        }),
      ),
    );

  return program;
}
