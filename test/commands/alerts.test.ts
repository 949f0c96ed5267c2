// `monitor alerts list|show|ack`, in-process with an injected clock, on SQLite and MariaDB. Alerts are
// created with the store API (openAlert/resolveAlert), the way `monitor check` records them.

import { beforeEach, expect, it } from 'vitest';
import { eachBackend } from './support-admin/backends.js';
import { addHosts, ago, checkIds, createAlert, DAY, HOUR, MINUTE, NOW, parseJson } from './support-admin/fixtures.js';

interface AlertJson {
  alert_id: number;
  host_name: string;
  check_key: string;
  check_name: string;
  severity: string;
  status: string;
  triggered_at: string;
  resolved_at: string | null;
  duration_seconds: number;
  message: string;
  value: number | null;
  acknowledged_at: string | null;
}

interface Seeded {
  webDisk: number;
  webCpu: number;
  dbMem: number;
  dbDisk: number;
}

eachBackend('monitor alerts', (backend) => {
  let ids: Seeded;

  beforeEach(async () => {
    ids = await backend().withStore(async (store) => {
      const hosts = await addHosts(store, ['web-01', 'db-01']);
      const checks = await checkIds(store);
      return {
        // Resolved, three days ago.
        dbDisk: await createAlert(store, {
          hostId: hosts['db-01']!,
          checkId: checks.disk_space!,
          triggeredAt: ago(3 * DAY),
          resolvedAt: ago(2 * DAY),
          message: "Host 'db-01' disk usage critical: 93%",
          value: 93,
        }),
        // Resolved, thirty hours ago: outside --since 24h.
        webCpu: await createAlert(store, {
          hostId: hosts['web-01']!,
          checkId: checks.cpu_usage!,
          severity: 'warning',
          triggeredAt: ago(30 * HOUR),
          resolvedAt: ago(29 * HOUR),
          message: "Host 'web-01' CPU usage high: 88%",
        }),
        // Open for two hours, at exactly 08:00:00Z.
        webDisk: await createAlert(store, {
          hostId: hosts['web-01']!,
          checkId: checks.disk_space!,
          triggeredAt: ago(2 * HOUR),
          message: "Host 'web-01' disk usage critical: 92%",
          value: 92,
        }),
        // Open for ten minutes.
        dbMem: await createAlert(store, {
          hostId: hosts['db-01']!,
          checkId: checks.memory_usage!,
          triggeredAt: ago(10 * MINUTE),
          message: "Host 'db-01' memory usage critical: 95%",
        }),
      };
    });
  });

  const listIds = async (args: string[]): Promise<number[]> => {
    const result = await backend().cli(['alerts', 'list', '--json', ...args], { now: NOW });
    expect(result.code, result.stderr).toBe(0);
    return parseJson<AlertJson[]>(result.stdout).map((alert) => alert.alert_id);
  };

  it('alerts list --json lists every alert newest first with ISO-8601 UTC times', async () => {
    const result = await backend().cli(['alerts', 'list', '--json'], { now: NOW });
    expect(result.code).toBe(0);
    const alerts = parseJson<AlertJson[]>(result.stdout);
    expect(alerts.map((alert) => alert.alert_id)).toEqual([ids.dbMem, ids.webDisk, ids.webCpu, ids.dbDisk]);
    expect(alerts[1]).toMatchObject({
      alert_id: ids.webDisk,
      host_name: 'web-01',
      check_key: 'disk_space',
      check_name: 'Disk Space',
      severity: 'critical',
      status: 'open',
      triggered_at: '2026-03-10T08:00:00.000Z',
      resolved_at: null,
      duration_seconds: 2 * 3600,
      message: "Host 'web-01' disk usage critical: 92%",
      acknowledged_at: null,
    });
    expect(alerts[3]).toMatchObject({
      status: 'resolved',
      triggered_at: '2026-03-07T10:00:00.000Z',
      resolved_at: '2026-03-08T10:00:00.000Z',
      duration_seconds: 86400,
    });
  });

  it('alerts list filters by --status, --host, --check, --since and --limit, alone and combined', async () => {
    expect(await listIds(['--status', 'open'])).toEqual([ids.dbMem, ids.webDisk]);
    expect(await listIds(['--status', 'resolved'])).toEqual([ids.webCpu, ids.dbDisk]);
    expect(await listIds(['--status', 'all'])).toEqual([ids.dbMem, ids.webDisk, ids.webCpu, ids.dbDisk]);
    expect(await listIds(['--host', 'web-01'])).toEqual([ids.webDisk, ids.webCpu]);
    expect(await listIds(['--check', 'disk_space'])).toEqual([ids.webDisk, ids.dbDisk]);
    expect(await listIds(['--since', '24h'])).toEqual([ids.dbMem, ids.webDisk]);
    expect(await listIds(['--since', '3d'])).toEqual([ids.dbMem, ids.webDisk, ids.webCpu, ids.dbDisk]);
    expect(await listIds(['--limit', '1'])).toEqual([ids.dbMem]);
    expect(await listIds(['--status', 'resolved', '--host', 'db-01', '--check', 'disk_space'])).toEqual([ids.dbDisk]);
    expect(await listIds(['--host', 'nope-01'])).toEqual([]);
  });

  it('the alerts table shows local times (TZ=Asia/Kolkata, +05:30) while --json stays UTC', async () => {
    const env = { TZ: 'Asia/Kolkata' };
    const table = await backend().cli(['alerts', 'list', '--host', 'web-01'], { now: NOW, env });
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s*ID\s+HOST\s+CHECK\s+SEVERITY\s+STATUS\s+TRIGGERED\s+RESOLVED\s+DURATION\s+MESSAGE$/);
    // 08:00Z is 13:30 in Kolkata; the resolved one: 2026-03-09 04:00Z -> 09:30, 05:00Z -> 10:30.
    expect(lines[1]).toMatch(
      new RegExp(
        `^\\s*${ids.webDisk}\\s+web-01\\s+Disk Space\\s+critical\\s+open\\s+2026-03-10 13:30:00 \\(2h ago\\)\\s+-\\s+2h\\s+Host 'web-01' disk usage critical: 92%$`,
      ),
    );
    expect(lines[2]).toMatch(/warning\s+resolved\s+2026-03-09 09:30:00 \(1d ago\)\s+2026-03-09 10:30:00\s+1h\s+/);
    expect(table.stdout).not.toMatch(/08:00:00|T\d\d:/);

    const json = await backend().cli(['alerts', 'list', '--host', 'web-01', '--json'], { now: NOW, env });
    expect(parseJson<AlertJson[]>(json.stdout)[0]!.triggered_at).toBe('2026-03-10T08:00:00.000Z');

    const utc = await backend().cli(['alerts', 'list', '--host', 'web-01'], { now: NOW, env: { TZ: 'UTC' } });
    expect(utc.stdout).toMatch(/2026-03-10 08:00:00 \(2h ago\)/);
  });

  it('an empty result says so instead of printing an empty table', async () => {
    const result = await backend().cli(['alerts', 'list', '--status', 'open', '--host', 'nope-01'], { now: NOW });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("No open alerts for host 'nope-01'.\n");
  });

  it('alerts show ID prints one alert (text and --json)', async () => {
    const text = await backend().cli(['alerts', 'show', String(ids.dbDisk)], { now: NOW, env: { TZ: 'Asia/Kolkata' } });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^Alert\\s+#${ids.dbDisk}$`, 'm'));
    expect(text.stdout).toMatch(/^Host\s+db-01$/m);
    expect(text.stdout).toMatch(/^Check\s+Disk Space \(disk_space\)$/m);
    expect(text.stdout).toMatch(/^Status\s+resolved$/m);
    expect(text.stdout).toMatch(/^Triggered\s+2026-03-07 15:30:00 \(3d ago\)$/m);
    expect(text.stdout).toMatch(/^Duration\s+1d$/m);
    expect(text.stdout).toMatch(/^Resolved\s+2026-03-08 15:30:00 \(2d ago\)$/m);
    expect(text.stdout).toMatch(/^Message\s+Host 'db-01' disk usage critical: 93%$/m);

    const json = await backend().cli(['alerts', 'show', `#${ids.webDisk}`, '--json'], { now: NOW });
    expect(json.code).toBe(0);
    expect(parseJson<AlertJson>(json.stdout)).toMatchObject({
      alert_id: ids.webDisk,
      host_name: 'web-01',
      status: 'open',
      triggered_at: '2026-03-10T08:00:00.000Z',
      value: 92,
    });
  });

  it('alerts ack ID sets acknowledged_at once; acking again keeps the first time', async () => {
    const b = backend();
    const acked = await b.cli(['alerts', 'ack', String(ids.webDisk), '--json'], { now: NOW });
    expect(acked.code).toBe(0);
    expect(parseJson<AlertJson>(acked.stdout).acknowledged_at).toBe(NOW.toISOString());
    const [row] = await b.sql<{ acknowledged_at: string | null }>('SELECT acknowledged_at FROM alerts WHERE alert_id = ?', [ids.webDisk]);
    expect(row!.acknowledged_at).toBe('2026-03-10 10:00:00.000');
    const others = await b.sql<{ n: number }>('SELECT COUNT(*) AS n FROM alerts WHERE acknowledged_at IS NOT NULL');
    expect(Number(others[0]!.n)).toBe(1);

    const later = new Date(NOW.getTime() + HOUR);
    const again = await b.cli(['alerts', 'ack', String(ids.webDisk)], { now: later });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`Alert #${ids.webDisk} was already acknowledged at 2026-03-10 10:00:00`));
    const [still] = await b.sql<{ acknowledged_at: string | null }>('SELECT acknowledged_at FROM alerts WHERE alert_id = ?', [ids.webDisk]);
    expect(still!.acknowledged_at).toBe('2026-03-10 10:00:00.000');

    const table = await b.cli(['alerts', 'list', '--status', 'open'], { now: later });
    expect(table.stdout).toMatch(new RegExp(`^\\s*${ids.webDisk}\\s+web-01\\s+Disk Space\\s+critical\\s+open \\(ack\\)`, 'm'));
  });

  it('an unknown alert id is exit 1 with one clear line, for show and ack', async () => {
    for (const command of ['show', 'ack']) {
      const result = await backend().cli(['alerts', command, '999999'], { now: NOW });
      expect(result.code, command).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe('monitor: alert #999999 does not exist — see `monitor alerts list --status all`\n');
    }
    const bad = await backend().cli(['alerts', 'show', 'abc'], { now: NOW });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected an alert id/);
  });
});
