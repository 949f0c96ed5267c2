// The demo, step by step. Everything goes through the real parts: `monitor serve`'s HTTP API on a free
// port in this process, agents' sendReports with each host's own key, the real `check` and `alerts
// list` commands. Metrics are back-dated one per minute, so ten minutes of history take a second.

import type { Context } from '../context.js';
import { UnavailableError } from '../errors.js';
import { loadRegistry } from '../checks/load-registry.js';
import { registerHost } from '../hosts/register.js';
import { sendReports } from '../agent/send.js';
import { startServer } from '../server/app.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { check } from '../commands/check.js';
import { alertsList } from '../commands/alerts/list.js';
import { formatLocalTime } from '../output/time-format.js';
import { ACTS, DEMO_HOSTS, demoReport, minuteAt } from './scenario.js';
import { Narrator } from './narrator.js';
import { printDemoSql } from './sql-hints.js';

export interface RunDemoOptions {
  /** A fresh embedded file was made for this run. */
  fresh: boolean;
  pause: boolean;
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
  const narrator = new Narrator(ctx.out, STEPS, options.pause ? { input: ctx.input } : null);
  const { chalk } = narrator;
  const quietLog = { ...ctx.log, info: () => {} };

  const store = await demoCtx.openStore();
  const server = await startServer({ store, config: config.server, log: quietLog, clock: ctx.clock, listen: { host: '127.0.0.1', port: 0 } });
  try {
    narrator.say(chalk.bold('monitor demo') + ' — four servers report to the ingest API; a disk fills up, a database runs short of memory.');
    narrator.detail(`database:   ${store.location}${options.fresh ? ' (fresh)' : ''}`);
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
      const result = await check({ ...demoCtx, clock: { now: () => new Date(at.getTime()) } }, {});
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
    await alertsList(demoCtx, { status: 'all' });
    printDemoSql(narrator, config.database.url);
    narrator.say(`\n${chalk.green('Done')} in ${((Date.now() - startedAt) / 1000).toFixed(1)}s. Next: \`monitor hosts add NAME\` for a real server, then \`monitor collect\` from cron (see README).`);
  } finally {
    await server.close();
    await store.close();
  }
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '    ');
}

async function registerDemoHosts(store: Store, ctx: Context, narrator: Narrator): Promise<Map<string, string>> {
  const registry = await loadRegistry(ctx.config, ctx.cwd);
  const keys = new Map<string, string>();
  for (const demoHost of DEMO_HOSTS) {
    // A demo run on an existing database starts its own hosts afresh.
    const existing = await store.findHostByName(demoHost.name);
    if (existing) await store.removeHost(existing.hostId);
    const { host, hostKey, checks } = await registerHost(store, ctx.config, registry, {
      hostName: demoHost.name,
      description: demoHost.description,
      now: ctx.clock.now(),
    });
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
        const result = await sendReports({ serverUrl, hostKey: keys.get(host.name)!, reports: [demoReport(host, minute, start)], timeoutMs });
        if (result.kind !== 'accepted') {
          throw new UnavailableError(`the demo's ingest API refused a report from ${host.name}: ${result.kind === 'rejected' ? result.message : result.reason}`);
        }
        done += 1;
        progress(done);
      }),
    );
  }
}
