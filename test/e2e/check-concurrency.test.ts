// Three `monitor check` processes started at once on the same data — a slow cron run overlapping the
// next, or two boxes — announce each alert once and record it once, on MariaDB and on SQLite. First
// with the lease doing its job, then with the lease lapsing at once (lease_ttl: 1ms), so the
// database's one-open-alert key is the only guard left; and that key refuses a second open alert
// written by hand. Real processes (bin/monitor on dist/: `npm run build` first), real clock.

import { afterEach, expect, it } from 'vitest';
import { eachCheckBackend, type CheckBackend } from '../commands/support-check/backend.js';
import { alertRows, startFleet, type Fleet } from '../commands/support-check/ingest.js';

const HOSTS = Array.from({ length: 20 }, (_, i) => `storage-${String(i + 1).padStart(2, '0')}`);

eachCheckBackend('three monitor check processes at once', (backend) => {
  let fleet: Fleet;
  afterEach(async () => {
    await fleet?.close();
  });

  async function fullDisks(): Promise<void> {
    fleet = await startFleet(backend(), new Date());
    for (const host of HOSTS) await fleet.addHost(host);
    for (const host of HOSTS) await fleet.report(host, { disk: 92 });
  }

  async function runThreeAtOnce(b: CheckBackend): Promise<string[]> {
    const runs = await Promise.all([0, 1, 2].map(() => b.spawn(['check'])));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    return runs.flatMap((run) => run.stdout.split('\n').filter((line) => line.includes('NEW ALERT')));
  }

  function expectEachHostOnce(announced: string[]): void {
    const hosts = announced.map((line) => /Host '([^']+)'/.exec(line)![1]);
    expect(hosts.sort()).toEqual(HOSTS);
  }

  it('announce and record each new alert once between them', async () => {
    await fullDisks();
    expectEachHostOnce(await runThreeAtOnce(backend()));
    const alerts = await alertRows(backend());
    expect(alerts.map((alert) => alert.host_name).sort()).toEqual(HOSTS);
    expect(alerts.every((alert) => alert.status === 'open' && alert.check_key === 'disk_space')).toBe(true);
  });

  it('still announce and record each once when the lease lapses at once and all three evaluate', async () => {
    await backend().writeConfig('alerting:\n  lease_ttl: 1ms\n');
    await fullDisks();
    expectEachHostOnce(await runThreeAtOnce(backend()));
    expect((await alertRows(backend())).map((alert) => alert.host_name).sort()).toEqual(HOSTS);
  });

  it('the database itself refuses a second open alert for the same host and check', async () => {
    await fullDisks();
    await runThreeAtOnce(backend());
    const [open] = await backend().sql<{ host_id: number; check_id: number }>(
      "SELECT host_id, check_id FROM alerts WHERE status = 'open' ORDER BY host_id LIMIT 1",
    );
    const insert = (status: string) =>
      backend().sql(
        `INSERT INTO alerts (host_id, check_id, severity, status, triggered_at, message) VALUES (?, ?, 'critical', ?, '2026-01-01 00:00:00.000', 'by hand')`,
        [open!.host_id, open!.check_id, status],
      );
    await expect(insert('open')).rejects.toThrow(backend().kind === 'mysql' ? /Duplicate entry/ : /UNIQUE constraint failed/);
    // Resolved alerts are history: any number of them.
    await insert('resolved');
    await insert('resolved');
    const [count] = await backend().sql<{ n: number }>('SELECT COUNT(*) AS n FROM alerts WHERE host_id = ? AND check_id = ?', [
      open!.host_id,
      open!.check_id,
    ]);
    expect(Number(count!.n)).toBe(3);
  });
});
