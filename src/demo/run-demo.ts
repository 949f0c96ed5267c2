// The demo, step by step. Everything goes through the real parts: `monitor serve`'s HTTP API on a free
// port in this process, agents' sendReports with each host's own key, the real `check` and `alerts
// list` commands. Metrics are back-dated one per minute, so ten minutes of history take a second.

import type { Context } from '../context.js';
import { UnavailableError, UsageError } from '../errors.js';
import { loadRegistry } from '../checks/load-registry.js';
import { registerHost } from '../hosts/register.js';
import { sendReports } from '../agent/send.js';
import { startServer } from '../server/app.js';
import { configuredChannels } from '../notify/configured-channels.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { check } from '../commands/check.js';
import { alertsList } from '../commands/alerts/list.js';
import { formatLocalTime } from '../output/time-format.js';
import { ACTS, DEMO_HOSTS, demoReport, minuteAt } from './scenario.js';
import { Narrator } from './narrator.js';
import { printDemoSql } from './sql-hints.js';
import { describeForeignData, foreignData, markDemoHost, removeDemoHosts } from './own-data.js';
import type { DatabaseTarget } from '../database-target/types.js';

/** Where the story is written, and how the user looks at it afterwards. */
export interface DemoTarget {
  target: DatabaseTarget;
  /** A fresh embedded file was made for this run. */
  fresh: boolean;
  /** `monitor --database URL` to look at it; null when plain `monitor` commands already do. */
  next: string | null;
  /** The database the user's own commands use (its location, no password), when the demo kept out of it. */
  elsewhere?: string;
}

export interface RunDemoOptions {
  target: DemoTarget;
  pause: boolean;
  /** After the story, keep the server (and its dashboard) running until Ctrl-C. */
  serve?: boolean;
}

const STEPS = 5;

export async function runDemo(ctx: Context, options: RunDemoOptions): Promise<void> {
  const startedAt = Date.now();
  const config = ctx.config;
  const demoCtx: Context = {
    ...ctx,
    // The real commands print into the narration, indented under their `$ monitor …` line.
    out: { ...ctx.out, write: (text) => ctx.out.write(indent(text)) },
    openStore: (opts = {}) => openStore(config.database, { migrate: opts.migrate ?? 'auto' }),
  };
  const narrator = new Narrator(ctx.out, STEPS, options.pause ? { input: ctx.input } : null, ctx.signal);
  const { chalk } = narrator;
  const quietLog = { ...ctx.log, info: () => {} };

  const store = await demoCtx.openStore();
  try {
    await claimDatabase(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  // A Close from the demo's dashboard is queued where the demo's checks announce (as `alerts close` would).
  const server = await startServer({
    store,
    config: config.server,
    log: quietLog,
    clock: ctx.clock,
    listen: { host: '127.0.0.1', port: 0 },
    notifyChannels: configuredChannels(config.notify),
  });
  try {
    narrator.say(
      chalk.bold('monitor demo') + ' — four servers report to the ingest API; a disk fills up, a database runs short of memory.',
    );
    narrator.detail(`database:   ${store.location}${options.target.fresh ? ' (fresh)' : ''}`);
    narrator.detail(`ingest API: ${server.url}  (monitor serve, running in this process)`);

    await narrator.heading('Registering four hosts, each with its own key');
    const keys = await registerDemoHosts(store, demoCtx, narrator);

    // The story runs in the recent past, one sample per minute, ending a minute ago.
    const now = ctx.clock.now();
    const start = minuteAt(new Date(Math.floor(now.getTime() / 60_000) * 60_000), -(ACTS.recovery.to + 2));
    const checkAt = (minute: number, seconds = 20): Date => new Date(minuteAt(start, minute).getTime() + seconds * 1000);
    const runCheck = async (at: Date, label = 'monitor check'): Promise<number> => {
      narrator.command(`${label}   ${chalk.dim(`# as of ${formatLocalTime(at, ctx.env.TZ)}`)}`);
      // A real run as of that moment (its clock set there), not --at: a replay is read-only.
      const result = await check(
        { ...demoCtx, clock: { now: () => new Date(at.getTime()) } },
        { at: undefined, dryRun: undefined, host: undefined, json: undefined },
      );
      return result.transitions.filter((record) => record.notify).length;
    };
    const send = (from: number, to: number): Promise<void> => sendAct(server.url, keys, start, from, to, narrator, config.agent.timeoutMs);

    await narrator.heading('Ten minutes of normal load, sent through POST /api/v1/reports');
    await send(ACTS.normal.from, ACTS.normal.to);
    if ((await runCheck(checkAt(ACTS.normal.to))) === 0) {
      narrator.detail(chalk.green('✓ all OK') + ' — every host check is below its thresholds, so check prints nothing');
    }

    await narrator.heading("Trouble: storage-server-04's disk fills to 92%, db-server-03's memory climbs to 88% (its limit: 80%)");
    await send(ACTS.trouble.from, ACTS.trouble.to);
    await runCheck(checkAt(ACTS.trouble.to));
    if ((await runCheck(checkAt(ACTS.trouble.to, 50), 'monitor check')) === 0) {
      narrator.detail(chalk.dim('(nothing: an alert that is still open is not announced again)'));
    }

    await narrator.heading('Recovery: old logs deleted on storage-server-04, the database cache trimmed');
    await send(ACTS.recovery.from, ACTS.recovery.to);
    await runCheck(checkAt(ACTS.recovery.to));

    await narrator.heading('The alert history');
    narrator.command('monitor alerts list');
    await alertsList(demoCtx, { status: 'all', host: undefined, check: undefined, since: undefined, limit: undefined, json: undefined });
    printDemoSql(narrator, config.database.target);
    narrator.say(`\n${chalk.green('Done')} in ${((Date.now() - startedAt) / 1000).toFixed(1)}s.`);
    narrator.say(lookAtIt(options.target, store.location));
    narrator.say('Then: `monitor hosts add NAME` for a real server, and `monitor collect` from cron (see README).');
    if (options.serve) await keepServing(ctx, narrator, server.url, keys, start, config.agent.timeoutMs);
  } finally {
    narrator.close();
    await server.close();
    await store.close();
  }
}

/**
 * Refuses a database holding anything the demo did not make (it writes hosts with common names, and
 * would mix its alerts into someone's history); clears the demo's own earlier run.
 */
async function claimDatabase(store: Store): Promise<void> {
  const found = await foreignData(store);
  if (found.hosts.length > 0 || found.alerts > 0) {
    throw new UsageError(
      `${store.location} holds ${describeForeignData(found)}: the demo writes only to a database that is empty or holds nothing but an earlier demo, and changed nothing`,
      {
        hint: 'give it a database of its own, e.g. --database sqlite:/tmp/monitor-demo.db, or leave --database out',
      },
    );
  }
  await removeDemoHosts(store);
}

function lookAtIt(target: DemoTarget, location: string): string {
  const commands = ['alerts list', 'hosts list', 'checks list'];
  if (target.next === null) {
    return `The story is in your default database (${location}): ${commands.map((command) => `\`monitor ${command}\``).join(', ')} show it. The next \`monitor demo\` replaces it.`;
  }
  const kept = target.elsewhere ? ` Your own database (${target.elsewhere}) was left alone.` : '';
  return `Look at it with: ${target.next} ${commands[0]}   (also ${commands.slice(1).join(', ')}).${kept}`;
}

/**
 * `demo --serve`: the dashboard stays up on the demo's server until Ctrl-C, and the four hosts keep
 * reporting their normal load once a minute, so the fleet page does not go SILENT while you look.
 */
async function keepServing(
  ctx: Context,
  narrator: Narrator,
  url: string,
  keys: Map<string, string>,
  start: Date,
  timeoutMs: number,
): Promise<void> {
  narrator.say(`\nDashboard: ${narrator.chalk.bold(`${url}/`)}  (the hosts keep reporting every minute; Ctrl-C stops)`);
  const tick = async (): Promise<void> => {
    const minute = Math.floor((ctx.clock.now().getTime() - start.getTime()) / 60_000);
    await Promise.all(
      DEMO_HOSTS.map((host) =>
        sendReports({ serverUrl: url, hostKey: keys.get(host.name)!, reports: [demoReport(host, minute, start)], timeoutMs }).catch(
          () => undefined,
        ),
      ),
    );
  };
  await tick();
  const timer = setInterval(() => void tick(), 60_000);
  try {
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    clearInterval(timer);
  }
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '    ');
}

async function registerDemoHosts(store: Store, ctx: Context, narrator: Narrator): Promise<Map<string, string>> {
  const registry = await loadRegistry(ctx.config, ctx.cwd);
  const keys = new Map<string, string>();
  for (const demoHost of DEMO_HOSTS) {
    const { host, hostKey, checks } = await registerHost(store, ctx.config, registry, {
      hostName: demoHost.name,
      description: demoHost.description,
      now: ctx.clock.now(),
    });
    await markDemoHost(store, host, hostKey);
    keys.set(host.hostName, hostKey);
    const checkList = checks.changes.map((change) => change.checkKey).join(', ');
    narrator.detail(`${host.hostName.padEnd(18)} ${narrator.chalk.dim(demoHost.description)}`);
    narrator.detail(`${''.padEnd(18)} ${narrator.chalk.dim(`checks: ${checkList}`)}`);
  }
  return keys;
}

/** Every host reports each minute from..to, as its cron'd agent would; a minute's reports go in parallel. */
async function sendAct(
  serverUrl: string,
  keys: Map<string, string>,
  start: Date,
  from: number,
  to: number,
  narrator: Narrator,
  timeoutMs: number,
): Promise<void> {
  const total = (to - from + 1) * DEMO_HOSTS.length;
  const progress = narrator.progress('reports accepted', total);
  let done = 0;
  for (let minute = from; minute <= to; minute += 1) {
    await Promise.all(
      DEMO_HOSTS.map(async (host) => {
        const result = await sendReports({
          serverUrl,
          hostKey: keys.get(host.name)!,
          reports: [demoReport(host, minute, start)],
          timeoutMs,
        });
        if (result.kind !== 'accepted') {
          throw new UnavailableError(
            `the demo's ingest API refused a report from ${host.name}: ${result.kind === 'rejected' ? result.message : result.reason}`,
          );
        }
        done += 1;
        progress(done);
      }),
    );
  }
}
