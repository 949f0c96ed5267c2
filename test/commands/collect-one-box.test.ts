// One-box mode: no server URL, so `monitor collect` writes straight to the configured database — the
// embedded SQLite file by default, or MariaDB through MONITOR_DATABASE_URL — registering this host on
// its first report. A database that is down is a spooled report and exit 1, never a lost one.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { lines, trackedAgents, minutesAgo, type Agent } from './support-collect/agent.js';
import { createTestDatabase, sqliteDatabaseAt, type TestDatabase } from './support-collect/databases.js';
import { storedTime } from '../support/quiet.js';

const defer = useCleanups();

const agent = trackedAgents(defer);

async function mariadb(label: string): Promise<TestDatabase | null> {
  const db = await createTestDatabase('mariadb', label);
  if (db) defer(() => db.drop());
  return db;
}

interface HostListing {
  host_name: string;
  collected_at: string | null;
  cpu_pct: number | null;
}

async function hostsList(host: Agent): Promise<HostListing[]> {
  const listed = await host.run(['hosts', 'list', '--json']);
  expect(listed.code).toBe(0);
  return JSON.parse(listed.stdout) as HostListing[];
}

describe('collect in one-box mode', () => {
  it('writes to the default SQLite database, registers the host on the first run, and hosts list shows it', async () => {
    const host = await agent();
    const db = sqliteDatabaseAt(join(host.home, '.local/share/monitor/monitor.db'));
    const [t1, t2] = [minutesAgo(2), minutesAgo(1)];

    const first = await host.run(['collect'], { now: t1 });
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('');
    // The only thing a first run says; cron mails it once.
    expect(lines(first.stderr)).toEqual([`registered this host as 'web-01' in ${join(host.home, '.local/share/monitor/monitor.db')}`]);
    const second = await host.run(['collect'], { now: t2 });
    expect(second).toMatchObject({ code: 0, stdout: '', stderr: '' });

    const rows = await db.rows();
    expect(rows.map((row) => [row.host_name, row.collected_at])).toEqual([
      ['web-01', storedTime(t1)],
      ['web-01', storedTime(t2)],
    ]);
    expect(await host.spoolFiles()).toEqual([]);
    const listed = await hostsList(host);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ host_name: 'web-01', collected_at: t2.toISOString(), cpu_pct: rows[1]!.cpu_pct });
  });

  it('writes to MariaDB named by MONITOR_DATABASE_URL, creating the schema and the host, and hosts list shows it', async (t) => {
    const db = await mariadb('collect_one_box');
    if (!db) return t.skip();
    const host = await agent({ databaseUrl: db.url });
    const now = minutesAgo(1);

    const result = await host.run(['collect'], { now });
    expect(result.code).toBe(0);
    // The store's location: the URL without its password.
    const location = new URL(db.url);
    location.password = '';
    expect(result.stderr.split('\n')[0]).toBe(`registered this host as 'web-01' in ${location.toString().replace(/\/$/, '')}`);
    expect((await db.rows()).map((row) => [row.host_name, row.collected_at])).toEqual([['web-01', storedTime(now)]]);
    expect((await hostsList(host)).map((listing) => [listing.host_name, listing.collected_at])).toEqual([['web-01', now.toISOString()]]);
  });

  it('spools the report when the database is down, exits 1 with one line, and stores it once when the database is back', async (t) => {
    const db = await mariadb('collect_one_box_down');
    if (!db) return t.skip();
    const host = await agent({ databaseUrl: 'mysql://root@127.0.0.1:1/x' });
    const [t1, t2, t3] = [minutesAgo(3), minutesAgo(2), minutesAgo(1)];

    const down = await host.run(['collect'], { now: t1 });
    expect(down.code).toBe(1);
    expect(down.stdout).toBe('');
    expect(lines(down.stderr)).toEqual([
      'monitor: could not deliver the report: cannot connect to MySQL at 127.0.0.1:1 (connection refused) — 1 report(s) kept in the spool are sent first on the next run',
    ]);
    expect((await host.spooled()).map((report) => report.collected_at)).toEqual([t1.toISOString()]);

    const back = await host.run(['collect'], { now: t2, env: { MONITOR_DATABASE_URL: db.url } });
    expect(back.code).toBe(0);
    expect(await host.spoolFiles()).toEqual([]);
    expect((await db.rows()).map((row) => row.collected_at)).toEqual([storedTime(t1), storedTime(t2)]);

    const next = await host.run(['collect'], { now: t3, env: { MONITOR_DATABASE_URL: db.url } });
    expect(next).toMatchObject({ code: 0, stderr: '' });
    expect((await db.rows()).map((row) => row.collected_at)).toEqual([storedTime(t1), storedTime(t2), storedTime(t3)]);
  });

  it('stores both reports when two runs of the same new host register it at the same moment', async (t) => {
    const db = await mariadb('collect_one_box_race');
    if (!db) return t.skip();
    // Two pipeline jobs of one host, run by different users: two state dirs, one host name. Doing the
    // same work, the runs stay in step: both find no host, both register it, one loses the race.
    const orders = await agent({ databaseUrl: db.url });
    const clicks = await agent({ databaseUrl: db.url });
    const now = minutesAgo(1);

    const [a, b] = await Promise.all([
      orders.run(['collect', '--no-metrics', '--dataset', 'orders', '--files', '4'], { now }),
      clicks.run(['collect', '--no-metrics', '--dataset', 'clicks', '--files', '7'], { now }),
    ]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    expect(await orders.spoolFiles()).toEqual([]);
    expect(await clicks.spoolFiles()).toEqual([]);
    const rows = await db.rows();
    expect(rows.map((row) => [row.host_name, row.dataset_name, row.files_count])).toEqual([
      ['web-01', 'clicks', 7],
      ['web-01', 'orders', 4],
    ]);
  });

  it('sets aside a spooled report the database refuses instead of failing every later run', async () => {
    const host = await agent();
    const db = sqliteDatabaseAt(join(host.home, '.local/share/monitor/monitor.db'));
    // A report spooled under another host name (the host was renamed since): it cannot be stored as this host.
    const down = await host.run(['collect'], {
      now: minutesAgo(3),
      env: { MONITOR_DATABASE_URL: 'mysql://root@127.0.0.1:1/x', MONITOR_HOST_NAME: 'old-name' },
    });
    expect(down.code).toBe(1);

    const [t2, t3] = [minutesAgo(2), minutesAgo(1)];
    const refused = await host.run(['collect'], { now: t2 });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/set aside in .*spool\/set-aside/);
    expect(await host.spoolFiles()).toEqual([]);
    expect((await db.rows()).map((row) => [row.host_name, row.collected_at])).toEqual([['web-01', storedTime(t2)]]);

    const next = await host.run(['collect'], { now: t3 });
    expect(next).toMatchObject({ code: 0, stderr: '' });
    expect((await db.rows()).map((row) => row.collected_at)).toEqual([storedTime(t2), storedTime(t3)]);
  });
});
