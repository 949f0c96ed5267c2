// The alerting promises as properties, over thousands of generated host timelines (20 hosts per
// generated timeline): reports with
// gaps, acknowledgements, checks disabled and re-enabled (through the config and sync), alerts
// closed by hand, config changes (cooldown, repeat interval, flap thresholds, a host's crit). Each
// timeline drives the real `monitor check` run (runCheck: sync, load, evaluate, write, outbox,
// delivery) on a real store, and after every step:
//   - at most one open alert per host and check;
//   - every alert whose opening was announced gets exactly one announced close once it closes
//     (none while open), no alert is announced open twice, and none is closed twice;
//   - nobody hears of the end of an alert they never heard of;
//   - a dry run (what `check --at` replays) changes nothing in the database.
// SQLite runs many timelines; MariaDB fewer, for the store-touching parts.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAlerts } from '../../src/alerts/close-alerts.js';
import { runCheck } from '../../src/alerts/run-check.js';
import { createRegistry } from '../../src/checks/registry.js';
import { DEFAULT_ALERTING, defaultSettings } from '../../src/config/defaults.js';
import type { Config, HostCheckConfig } from '../../src/config/types.js';
import type { Notifier } from '../../src/notify/types.js';
import { openStore } from '../../src/store/open-store.js';
import type { SqlStore } from '../../src/store/sql/sql-store.js';
import type { Store } from '../../src/store/store.js';
import { describeMysql } from '../support/mysql.js';
import { memoryLog } from '../support/memory-log.js';
import { databaseConfig } from '../support/database-config.js';

const HOSTS = Array.from({ length: 20 }, (_, i) => `h${i + 1}`);
const CHECKS = ['disk_space', 'cpu_usage', 'host_silent'] as const;
const MIN = 60_000;
const T0 = Date.parse('2026-12-01T00:00:00.000Z');
const TABLES = ['alerts', 'check_state', 'notifications', 'host_alert_checks', 'hosts', 'settings', 'leases', 'alert_types'];
/** What a check run never writes: wiped between timelines, not compared. */
const INPUT_TABLES = ['incoming_data'];

interface Settings {
  cooldownS: number;
  repeatMs: number;
  flapHigh: number;
  diskCrit: number;
}

type Action =
  | { kind: 'none' }
  | { kind: 'ack'; host: number }
  | { kind: 'close'; host: number }
  | { kind: 'toggle'; host: number; check: number }
  | { kind: 'settings'; settings: Settings };

interface Step {
  /** Per host: its report this minute, or null (no report: a gap). */
  reports: ({ disk: number; cpu: number } | null)[];
  actions: Action[];
  run: boolean;
  advanceMin: number;
}

const settingsArb: fc.Arbitrary<Settings> = fc.record({
  cooldownS: fc.constantFrom(0, 120, 300),
  repeatMs: fc.constantFrom(0, 3 * MIN, 10 * MIN),
  flapHigh: fc.constantFrom(20, 50, 101),
  diskCrit: fc.constantFrom(90, 95),
});
// Actions pick among the first few hosts, so each of those sees many of them; the rest vary by data alone.
const hostArb = fc.integer({ min: 0, max: 4 });
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 10, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('ack' as const), host: hostArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), host: hostArb }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('toggle' as const), host: hostArb, check: fc.integer({ min: 0, max: CHECKS.length - 1 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('settings' as const), settings: settingsArb }) },
);
const reportArb = fc.option(fc.record({ disk: fc.constantFrom(40, 85, 92, 97), cpu: fc.constantFrom(30, 90, 97) }), { nil: null, freq: 4 });
const stepArb: fc.Arbitrary<Step> = fc.record({
  reports: fc.array(reportArb, { minLength: HOSTS.length, maxLength: HOSTS.length }),
  actions: fc.array(actionArb, { maxLength: 5 }),
  run: fc.constantFrom(true, true, true, true, false),
  advanceMin: fc.constantFrom(1, 1, 1, 2, 4),
});
const timelineArb = fc.record({ initial: settingsArb, steps: fc.array(stepArb, { minLength: 4, maxLength: 24 }) });

function configFor(settings: Settings, disabled: ReadonlySet<string>): Config {
  const base = defaultSettings({ env: {}, homedir: '/nonexistent', hostname: 'monitor-test' });
  const defaults: Record<string, HostCheckConfig> = {
    disk_space: { enabled: true, params: { crit: settings.diskCrit } },
    cpu_usage: { enabled: true, params: { for: '3m' } },
    host_silent: { enabled: true, params: { crit: '3m' } },
  };
  const hosts: Config['hosts'] = {};
  for (const key of disabled) {
    const [host, check] = key.split('/') as [string, string];
    hosts[host] ??= { description: null, checks: {} };
    hosts[host].checks[check] = { enabled: false, params: {} };
  }
  return {
    ...base,
    file: null,
    lineOf: () => null,
    checkTypes: Object.fromEntries(CHECKS.map((key) => [key, { cooldownSeconds: settings.cooldownS }])),
    defaultChecks: defaults,
    hosts,
    alerting: { ...DEFAULT_ALERTING, repeatIntervalMs: settings.repeatMs, flapHighPct: settings.flapHigh, flapLowPct: 5 },
  };
}

/** Every row of every table, as text: a dry run must leave it identical. */
async function dump(store: Store): Promise<string> {
  const driver = (store as SqlStore).driver;
  const parts: string[] = [];
  for (const table of TABLES) parts.push(JSON.stringify(await driver.all(`SELECT * FROM ${table} ORDER BY 1, 2`)));
  return parts.join('\n');
}

async function wipe(store: Store): Promise<void> {
  const driver = (store as SqlStore).driver;
  for (const table of [...TABLES, ...INPUT_TABLES].filter((table) => table !== 'alert_types')) await driver.run(`DELETE FROM ${table}`);
  // Back to the catalogue's own cooldowns, as migration 002 seeds them.
  await driver.run('UPDATE alert_types SET cooldown_seconds = 300');
}

interface Sent {
  event: string;
  alertId: number | null;
}

/**
 * Announced means queued in the outbox (closes by sync or by hand are delivered by the next run);
 * and every queued row that was delivered was delivered once.
 */
async function checkInvariants(store: Store, delivered: readonly Sent[]): Promise<void> {
  const driver = (store as SqlStore).driver;
  const outbox = await driver.all('SELECT alert_id, event, delivered_at, payload_json FROM notifications ORDER BY notification_id');
  const rows: Sent[] = outbox.map((row) => ({ event: String(row.event), alertId: row.alert_id == null ? null : Number(row.alert_id) }));
  expect(delivered, 'each delivered row delivered once, in order').toEqual(rows.filter((_, index) => outbox[index]!.delivered_at != null));
  // A grouped row (an alert storm: more than group_threshold transitions of one check in a run)
  // announces every transition it lists.
  const sent: Sent[] = outbox.flatMap((row, index) => {
    if (rows[index]!.event !== 'group') return [rows[index]!];
    const members = (JSON.parse(String(row.payload_json)) as { transitions: { event: string; alert_id: number | null }[] }).transitions;
    return members.map((member) => ({ event: member.event, alertId: member.alert_id }));
  });
  const open = await driver.all("SELECT host_id, check_id, COUNT(*) AS n FROM alerts WHERE status = 'open' GROUP BY host_id, check_id");
  for (const row of open) expect(Number(row.n), 'open alerts per host and check').toBe(1);
  const alerts = await driver.all('SELECT alert_id, status, check_id, resolve_message FROM alerts');
  const announcing = new Set(['open', 'escalate', 'deescalate', 'flapping_end', 'repeat', 'flapping']);
  for (const alert of alerts) {
    const id = Number(alert.alert_id);
    const mine = sent.filter((s) => s.alertId === id);
    const opens = mine.filter((s) => s.event === 'open').length;
    const closes = mine.filter((s) => s.event === 'resolve').length;
    const heard = mine.some((s) => s.event !== 'resolve' && announcing.has(s.event) && s.event !== 'flapping');
    expect(opens, `alert #${id} announced open at most once`).toBeLessThanOrEqual(1);
    expect(closes, `alert #${id} announced closed at most once`).toBeLessThanOrEqual(1);
    if (opens === 1)
      expect(
        closes,
        `alert #${id} (${JSON.stringify(alert)}, sent ${mine.map((s) => s.event).join(',')}): one announced close once closed`,
      ).toBe(alert.status === 'resolved' ? 1 : 0);
    if (closes === 1) expect(heard, `alert #${id}: its end announced only if something of it was`).toBe(true);
  }
}

async function playTimeline(store: Store, timeline: { initial: Settings; steps: Step[] }): Promise<void> {
  await wipe(store);
  const sent: Sent[] = [];
  const notifier: Notifier = {
    channel: 'test',
    send: (payload) => Promise.resolve(void sent.push({ event: payload.event, alertId: payload.alert_id })),
  };
  const registry = createRegistry();
  const log = memoryLog();
  let now = T0;
  const hostIds: number[] = [];
  for (const name of HOSTS) {
    hostIds.push(
      (await store.addHost({ hostName: name, keyHash: `key-${name}`, description: null, createdAt: new Date(now - 10 * MIN) })).hostId,
    );
  }
  let settings = timeline.initial;
  const disabled = new Set<string>();
  const run = (dryRun: boolean) =>
    runCheck({
      store,
      config: configFor(settings, disabled),
      registry,
      notifiers: dryRun ? [] : [notifier],
      log,
      now: new Date(now),
      wallClock: () => new Date(now),
      host: null,
      dryRun,
    });

  for (const step of timeline.steps) {
    now += step.advanceMin * MIN;
    const samples = step.reports.flatMap((report, index) =>
      report === null
        ? []
        : [
            {
              hostId: hostIds[index]!,
              collectedAt: new Date(now),
              receivedAt: new Date(now),
              cpuPct: report.cpu,
              memPct: 40,
              diskPct: report.disk,
              load1: 0.5,
              datasetName: null,
              partitionKey: null,
              filesCount: null,
              firstEventAt: null,
              lastEventAt: null,
            },
          ],
    );
    await store.insertSamples(samples);
    for (const action of step.actions) {
      if (action.kind === 'ack' || action.kind === 'close') {
        const mine = (await store.listOpenAlerts()).filter((alert) => alert.hostId === hostIds[action.host]);
        if (action.kind === 'ack') for (const alert of mine) await store.acknowledgeAlert(alert.alertId, new Date(now));
        else if (mine[0])
          await store.transaction((tx) =>
            closeAlerts(tx, [mine[0]!], { kind: 'by_hand', text: 'test' }, { now: new Date(now), channels: ['test'] }),
          );
      } else if (action.kind === 'toggle') {
        const key = `${HOSTS[action.host]}/${CHECKS[action.check]}`;
        if (disabled.has(key)) disabled.delete(key);
        else disabled.add(key);
      } else if (action.kind === 'settings') settings = action.settings;
    }

    // The replay: a dry run at this moment writes nothing (the sync it would need included).
    const before = await dump(store);
    await run(true);
    expect(await dump(store), 'a dry run changed the database').toBe(before);

    if (step.run) {
      const result = await run(false);
      expect(result.skipped).toBeNull();
      expect(result.problems).toEqual([]);
    }
    await checkInvariants(store, sent);
  }
}

/**
 * Up to `maxRuns` timelines (each one of HOSTS.length hosts), within a time budget so a loaded
 * machine runs fewer rather than time out; at least `minRuns` must fit. A fixed seed makes a failure
 * reproducible (MONITOR_TEST_SEED picks another; MONITOR_INVARIANT_SECONDS a longer budget).
 */
function suite(open: () => Promise<Store>, options: { maxRuns: number; minRuns: number; seconds: number }): void {
  let store: Store;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it(
    `holds over generated timelines of ${HOSTS.length} hosts each (up to ${options.maxRuns}, ${options.seconds} s)`,
    async () => {
      const details = await fc.check(
        fc.asyncProperty(timelineArb, (timeline) => playTimeline(store, timeline)),
        {
          numRuns: options.maxRuns,
          seed: Number(process.env.MONITOR_TEST_SEED ?? 20261207),
          interruptAfterTimeLimit: options.seconds * 1000,
          markInterruptAsFailure: false,
        },
      );
      if (details.failed)
        throw new Error(
          `${fc.defaultReportMessage(details) ?? 'property failed'}\nGot: ${String((details.errorInstance as Error | undefined)?.stack ?? details.errorInstance)}`,
        );
      if (process.env.MONITOR_INVARIANT_REPORT) console.info(`${details.numRuns} timelines x ${HOSTS.length} hosts`);
      expect(details.numRuns, 'timelines played within the time budget').toBeGreaterThanOrEqual(options.minRuns);
    },
    (options.seconds + 100) * 1000,
  );
}

const seconds = Number(process.env.MONITOR_INVARIANT_SECONDS ?? 15);

describe('alerting invariants — SQLite', () => {
  suite(() => openStore(databaseConfig('sqlite::memory:', { poolSize: 1, connectTimeoutMs: 5_000 })), {
    maxRuns: 5000,
    minRuns: 20,
    seconds,
  });
});

describeMysql('alerting invariants — MariaDB', (db) => {
  suite(() => openStore(databaseConfig(db.url, { poolSize: 4, connectTimeoutMs: 5_000 })), {
    maxRuns: 500,
    minRuns: 1,
    seconds: Math.min(seconds, 12),
  });
});
