// `monitor check --dry-run | --host NAME | --json | --at TIME`, and its exit codes, on both databases:
// reports go through the real ingest API, check runs in-process with an injected clock.

import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { closedPort } from '../support/network.js';
import { startWebhookRecorder } from '../support/webhook-recorder.js';
import { eachCheckBackend } from './support-check/backend.js';
import { alertRows, lines, MINUTE, startFleet, T0, type Fleet } from './support-check/ingest.js';

interface CheckJson {
  evaluated_at: string;
  dry_run: boolean;
  skipped: string | null;
  checks_evaluated: number;
  transitions: {
    event: string;
    alert_id: number | null;
    host_name: string;
    check_key: string;
    check_name: string;
    severity: string | null;
    status: string | null;
    message: string;
    value: number | null;
    at: string;
    notified: boolean;
    quiet_reason: string | null;
    text: string;
  }[];
  problems: { host_name: string; check_key: string; message: string }[];
}

const parse = (stdout: string): CheckJson => JSON.parse(stdout) as CheckJson;

eachCheckBackend('monitor check options', (backend) => {
  let fleet: Fleet;
  afterEach(async () => {
    await fleet?.close();
  });

  /** Two hosts: storage-server-04's disk at 92%, web-01 fine; nothing checked yet. */
  async function fullDisk(): Promise<void> {
    fleet = await startFleet(backend());
    await fleet.addHost('storage-server-04');
    await fleet.addHost('web-01');
    fleet.advance(MINUTE);
    await fleet.report('storage-server-04', { disk: 92 });
    await fleet.report('web-01', { disk: 30 });
  }

  const counts = async () => {
    const [row] = await backend().sql<{ alerts: number; states: number; outbox: number; settings: number }>(
      `SELECT (SELECT COUNT(*) FROM alerts) AS alerts, (SELECT COUNT(*) FROM check_state) AS states,
              (SELECT COUNT(*) FROM notifications) AS outbox, (SELECT COUNT(*) FROM settings) AS settings`,
    );
    return { alerts: Number(row!.alerts), states: Number(row!.states), outbox: Number(row!.outbox), settings: Number(row!.settings) };
  };

  it('finds the lease held by another run: says so on stderr, evaluates nothing, writes nothing, exits 0', async () => {
    await fullDisk();
    const other = await backend().openStore();
    try {
      expect(await other.acquireLease('check', 'another-box:4242', fleet.clock.now(), 60_000)).toBe(true);
    } finally {
      await other.close();
    }
    const before = await counts();
    const text = await fleet.check();
    expect(text.code).toBe(0);
    expect(text.stdout).toBe('');
    expect(text.stderr).toMatch(/another `monitor check` run holds the lease; nothing to do this time/);
    const json = parse((await fleet.check(['--json'])).stdout);
    expect(json).toMatchObject({ skipped: 'another `monitor check` run holds the lease', checks_evaluated: 0, transitions: [] });
    expect(await counts()).toEqual(before);
  });

  it('--dry-run prints the transition it would make and writes nothing: no alert, no state, no outbox row', async () => {
    await fullDisk();
    // A notifier is configured: a real run would queue a notification for it.
    await backend().writeConfig('notify:\n  command: "true"\n');
    const before = await counts();

    const dry = await fleet.check(['--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(lines(dry)).toEqual(["[dry run] 🚨 NEW ALERT: Disk Space - Host 'storage-server-04' disk usage critical: 92%"]);
    expect(await counts()).toEqual(before);
    expect(before).toMatchObject({ alerts: 0, states: 0, outbox: 0 });

    // Nothing was remembered, so the real run still sees the change, and a dry run after it sees none.
    const real = await fleet.check();
    expect(lines(real)).toEqual([
      expect.stringMatching(/^🚨 NEW ALERT #\d+: Disk Space - Host 'storage-server-04' disk usage critical: 92%$/),
    ]);
    // States: the open disk alert only. Plain OK ones are not stored, and the cpu checks are OK at
    // once though their 5m window is not covered yet: a sample below warn decides a `min` window.
    expect(await counts()).toMatchObject({ alerts: 1, states: 1, outbox: 1 });
    const again = await fleet.check(['--dry-run']);
    expect(again).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('--dry-run --json shows the would-be transition without an alert id', async () => {
    await fullDisk();
    const dry = await fleet.check(['--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const json = parse(dry.stdout);
    expect(json).toMatchObject({ dry_run: true, skipped: null, checks_evaluated: 8, problems: [] });
    expect(json.transitions).toEqual([
      expect.objectContaining({
        event: 'open',
        alert_id: null,
        host_name: 'storage-server-04',
        check_key: 'disk_space',
        status: 'open',
        notified: true,
      }),
    ]);
    expect(await alertRows(backend())).toEqual([]);
  });

  it('--json: one document with every transition, ISO-8601 UTC times and the printed line', async () => {
    await fullDisk();
    const result = await fleet.check(['--json']);
    expect(result.code, result.stderr).toBe(0);
    const [alert] = await alertRows(backend());
    expect(parse(result.stdout)).toEqual({
      evaluated_at: fleet.clock.now().toISOString(),
      dry_run: false,
      skipped: null,
      checks_evaluated: 8,
      transitions: [
        {
          event: 'open',
          alert_id: alert!.alert_id,
          host_name: 'storage-server-04',
          check_key: 'disk_space',
          check_name: 'Disk Space',
          severity: 'critical',
          status: 'open',
          message: "Host 'storage-server-04' disk usage critical: 92%",
          value: 92,
          params: { warn: 80, crit: 90, for: '0s' },
          triggered_at: fleet.clock.now().toISOString(),
          resolved_at: null,
          text: `🚨 NEW ALERT #${alert!.alert_id}: Disk Space - Host 'storage-server-04' disk usage critical: 92%`,
          at: fleet.clock.now().toISOString(),
          notified: true,
          quiet_reason: null,
        },
      ],
      problems: [],
    });
    // Nothing changed since: an empty list, still one JSON document.
    fleet.advance(MINUTE);
    expect(parse((await fleet.check(['--json'])).stdout)).toMatchObject({ checks_evaluated: 8, transitions: [] });
  });

  it('--host NAME evaluates only that host; an unknown host is exit 1 and changes nothing', async () => {
    await fullDisk();
    fleet.advance(MINUTE);
    await fleet.report('web-01', { disk: 97 });
    const only = await fleet.check(['--host', 'web-01', '--json']);
    expect(only.code, only.stderr).toBe(0);
    const json = parse(only.stdout);
    expect(json.checks_evaluated).toBe(4);
    expect(json.transitions.map((t) => `${t.host_name} ${t.check_key} ${t.event}`)).toEqual(['web-01 disk_space open']);
    expect((await alertRows(backend())).map((row) => row.host_name)).toEqual(['web-01']);
    const states = await backend().sql<{ host_name: string }>(
      'SELECT DISTINCT h.host_name FROM check_state s JOIN hosts h ON h.host_id = s.host_id',
    );
    expect(states).toEqual([{ host_name: 'web-01' }]);

    const unknown = await fleet.check(['--host', 'no-such-host']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe(
      "monitor: host 'no-such-host' is not registered — see `monitor hosts list`, or add it with `monitor hosts add NAME`\n",
    );
    expect(await alertRows(backend())).toHaveLength(1);

    // The other host is evaluated by a run without --host.
    expect(lines(await fleet.check())).toEqual([expect.stringContaining("Disk Space - Host 'storage-server-04' disk usage critical: 92%")]);
  });

  it('--at TIME replays stored data: as of T1 it would open the alert, as of T2 resolve it, with those times', async () => {
    fleet = await startFleet(backend());
    await fleet.addHost('storage-server-04');
    const disk = [45, 45, 92, 92, 45, 45];
    for (const percent of disk) {
      fleet.advance(MINUTE);
      await fleet.report('storage-server-04', { disk: percent });
    }
    // The past, evaluated an hour later on what was stored.
    fleet.advance(60 * MINUTE);
    const t1 = new Date(T0.getTime() + 3.5 * MINUTE);
    const t2 = new Date(T0.getTime() + 5.5 * MINUTE);
    // As of T2 the disk was back to normal: nothing open, nothing to resolve.
    expect(parse((await fleet.check(['--json', '--at', t2.toISOString()])).stdout)).toMatchObject({
      evaluated_at: t2.toISOString(),
      transitions: [],
    });

    const replay = await fleet.check(['--json', '--at', t1.toISOString()]);
    const replayAgain = await fleet.check(['--json', '--at', t1.toISOString()]);
    expect(replayAgain.stdout).toBe(replay.stdout);
    expect(parse(replay.stdout)).toMatchObject({
      evaluated_at: t1.toISOString(),
      dry_run: true,
      transitions: [{ event: 'open', at: t1.toISOString(), value: 92 }],
    });
    expect(lines(await fleet.check(['--at', t1.toISOString()]))).toEqual([
      "[dry run] 🚨 NEW ALERT: Disk Space - Host 'storage-server-04' disk usage critical: 92%",
    ]);
    expect(await alertRows(backend())).toEqual([]);
  });

  it('--at is read-only: alerts, state, outbox and leases stay byte for byte as they were, and nobody is notified', async () => {
    fleet = await startFleet(backend());
    await fleet.addHost('storage-server-04');
    await fleet.addHost('web-01');
    const hook = await startWebhookRecorder();
    try {
      await backend().writeConfig(`notify:\n  webhook:\n    url: ${hook.url}\n`);
      // Two hours ago both disks were fine; now storage-server-04's is full and web-01's alert is open.
      for (let minute = 0; minute < 120; minute++) {
        fleet.advance(MINUTE);
        await fleet.report('storage-server-04', { disk: minute < 110 ? 45 : 92 });
        await fleet.report('web-01', { disk: minute < 100 ? 97 : 96 });
      }
      expect((await fleet.check()).code).toBe(0);
      const sent = hook.received.length;
      expect(sent).toBe(2);
      const before = await tableDump();
      expect(before.alerts).toHaveLength(2);

      // As of two hours ago both alerts would resolve; as of one hour ago nothing would open. Neither may touch live data.
      for (const at of ['2h', '90m', new Date(T0.getTime() + 30 * MINUTE).toISOString(), '0s']) {
        const replay = await fleet.check(['--at', at]);
        expect(replay.code, replay.stderr).toBe(0);
        expect(
          lines(replay).every((line) => line.startsWith('[dry run] ')),
          replay.stdout,
        ).toBe(true);
        expect(await tableDump()).toEqual(before);
      }
      // What the replay finds is shown, marked, not done: as of 90 minutes ago the full disk was fine.
      expect(lines(await fleet.check(['--at', '90m']))).toContain(
        "[dry run] ✅ RESOLVED: Disk Space - Host 'storage-server-04' disk usage normal: 45%",
      );
      expect(hook.received).toHaveLength(sent);
      // The next real run finds nothing changed: no re-open, no second page.
      fleet.advance(MINUTE);
      await fleet.report('storage-server-04', { disk: 92 });
      await fleet.report('web-01', { disk: 96 });
      expect(lines(await fleet.check())).toEqual([]);
      expect(hook.received).toHaveLength(sent);
    } finally {
      await hook.close();
    }
  });

  /** Every row of the tables a check run may write, as stored (times and JSON as text). */
  async function tableDump(): Promise<Record<string, unknown[]>> {
    const dump: Record<string, unknown[]> = {};
    for (const [table, order] of [
      ['alerts', 'alert_id'],
      ['check_state', 'host_id, check_id'],
      ['notifications', 'notification_id'],
      ['leases', 'lease_name'],
      ['settings', 'setting_name'],
      ['host_alert_checks', 'host_id, check_id'],
    ] as const) {
      dump[table] = await backend().sql(`SELECT * FROM ${table} ORDER BY ${order}`);
    }
    return dump;
  }

  it('--at with an age counts back from the command clock, not the wall clock', async () => {
    fleet = await startFleet(backend());
    await fleet.addHost('storage-server-04');
    for (const percent of [45, 92, 92]) {
      fleet.advance(MINUTE);
      await fleet.report('storage-server-04', { disk: percent });
    }
    const asOf = new Date(fleet.clock.now().getTime() + 30_000);
    fleet.advance(30 * MINUTE);
    const dry = await fleet.check(['--dry-run', '--json', '--at', '29m30s']);
    expect(parse(dry.stdout)).toMatchObject({ evaluated_at: asOf.toISOString(), transitions: [{ event: 'open', value: 92 }] });
  });

  it('exits 0 whatever it finds, and 2 for a malformed --at', async () => {
    await fullDisk();
    expect((await fleet.check()).code).toBe(0);
    const bad = await fleet.check(['--at', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("expected an ISO-8601 time with a zone (2026-11-29T10:00:00Z) or an age like 2h, got 'yesterday'");
  });
});

describe('monitor check without a database', () => {
  const home = useTempDir('monitor-check-down-');

  it('exits 1 with one line naming the database when it cannot reach it, and prints no transition', async () => {
    const port = await closedPort();
    const result = await runCli(['check'], { home: home.path, env: { MONITOR_DATABASE_URL: `mysql://root@127.0.0.1:${port}/monitor` } });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const stderr = result.stderr.trimEnd().split('\n');
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(new RegExp(`^monitor: cannot connect to MySQL at 127\\.0\\.0\\.1:${port} \\(`));
  });
});
