// `monitor hosts add|list|rotate-key|remove`, in-process with an injected clock, on SQLite and MariaDB.

import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { eachBackend, type AdminBackend } from './support-admin/backends.js';
import { addHosts, ago, checkIds, createAlert, MINUTE, metricsSample, NOW, parseJson, sha256Hex } from './support-admin/fixtures.js';

interface HostRow {
  host_id: number;
  host_name: string;
  host_key_hash: string;
  description: string | null;
}

const hostRows = (b: AdminBackend) => b.sql<HostRow>('SELECT host_id, host_name, host_key_hash, description FROM hosts ORDER BY host_name');

/** Rows a host owns in each table, counted with plain SQL. */
async function ownedRows(b: AdminBackend, hostId: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['hosts', 'incoming_data', 'alerts', 'host_alert_checks']) {
    const [row] = await b.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE host_id = ?`, [hostId]);
    counts[table] = Number(row!.n);
  }
  return counts;
}

eachBackend('monitor hosts', (backend) => {
  it('hosts add on a fresh HOME creates the database, prints a 256-bit key once and stores only its SHA-256', async () => {
    const b = backend();
    expect(await b.databaseExists()).toBe(false);

    const result = await b.cli(['hosts', 'add', 'web-01', '--description', 'front web'], { now: NOW });

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    // SQLite: the embedded file at the XDG default; MariaDB: the database named in the URL, created.
    if (b.kind === 'sqlite') expect(existsSync(join(b.home, '.local/share/monitor/monitor.db'))).toBe(true);
    expect(await b.databaseExists()).toBe(true);
    const keys = result.stdout.match(/mk_[A-Za-z0-9_-]+/g) ?? [];
    const key = keys[0]!;
    // 256 random bits (the issue asks for at least 128).
    expect(Buffer.from(key.slice(3), 'base64url').length).toBe(32);
    // Printed in the "shown once" line and in the export hint, and nowhere in the database.
    expect(keys).toEqual([key, key]);
    expect(result.stdout).toMatch(/shown only once/);

    const rows = await hostRows(b);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ host_name: 'web-01', description: 'front web', host_key_hash: sha256Hex(key) });
    const everything = JSON.stringify(await b.sql('SELECT * FROM hosts'));
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(key.slice(3));
  });

  it('hosts add --json carries host_key, whose SHA-256 is what the table holds', async () => {
    const b = backend();
    const result = await b.cli(['hosts', 'add', 'db-01', '--json'], { now: NOW });
    expect(result.code).toBe(0);
    const json = parseJson<{ host_name: string; host_key: string; created_at: string; checks: string[] }>(result.stdout);
    expect(json.host_name).toBe('db-01');
    expect(json.created_at).toBe(NOW.toISOString());
    expect(json.checks).toEqual(['cpu_usage', 'disk_space', 'host_silent', 'memory_usage']);
    const [row] = await hostRows(b);
    expect(row!.host_key_hash).toBe(sha256Hex(json.host_key));
  });

  it('adding an existing host fails with exit 1 naming it, and changes nothing', async () => {
    const b = backend();
    expect((await b.cli(['hosts', 'add', 'web-01'], { now: NOW })).code).toBe(0);
    const before = await hostRows(b);

    const again = await b.cli(['hosts', 'add', 'web-01'], { now: NOW });

    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/host 'web-01' already exists/);
    expect(again.stderr).not.toMatch(/\n\s+at /);
    expect(again.stdout).not.toMatch(/mk_/);
    expect(await hostRows(b)).toEqual(before);
  });

  it('a bad host name is a usage error (exit 2) that writes nothing, not even a database', async () => {
    const b = backend();
    for (const name of ['.web', 'web 01', 'wéb', 'a/b', 'x'.repeat(192)]) {
      const result = await b.cli(['hosts', 'add', name], { now: NOW });
      expect(result.code, name).toBe(2);
      expect(result.stderr).toMatch(/invalid host name/);
    }
    expect(await b.databaseExists()).toBe(false);
  });

  it('hosts list shows last seen, latest metrics, open alerts and the silent flag (table and --json)', async () => {
    const b = backend();
    await b.withStore(async (store) => {
      const ids = await addHosts(store, ['db-01', 'new-01', 'web-01']);
      await store.insertSamples([
        metricsSample(ids['web-01']!, ago(3 * MINUTE), { cpu: 11, mem: 22, disk: 33 }),
        metricsSample(ids['web-01']!, ago(1 * MINUTE), { cpu: 42.5, mem: 61, disk: 77.25, load: 1.5 }),
        metricsSample(ids['db-01']!, ago(20 * MINUTE), { cpu: 5, mem: 90, disk: 50 }),
      ]);
      const checks = await checkIds(store);
      await createAlert(store, { hostId: ids['web-01']!, checkId: checks.disk_space!, triggeredAt: ago(MINUTE), message: 'disk' });
      await createAlert(store, { hostId: ids['web-01']!, checkId: checks.cpu_usage!, triggeredAt: ago(2 * MINUTE), message: 'cpu' });
      await createAlert(store, {
        hostId: ids['db-01']!,
        checkId: checks.cpu_usage!,
        triggeredAt: ago(9 * MINUTE),
        message: 'old',
        resolvedAt: ago(8 * MINUTE),
      });
    });
    // new-01 was registered a month ago and never reported: silent. fresh-01 a minute ago: not yet.
    await b.withStore((store) =>
      store.addHost({ hostName: 'fresh-01', keyHash: sha256Hex('fresh'), description: null, createdAt: ago(MINUTE) }),
    );

    const json = await b.cli(['hosts', 'list', '--json'], { now: NOW });
    expect(json.code).toBe(0);
    const rows = parseJson<Record<string, unknown>[]>(json.stdout);
    const pick = (row: Record<string, unknown>) => ({
      host_name: row.host_name,
      last_seen: row.last_seen,
      cpu_pct: row.cpu_pct,
      mem_pct: row.mem_pct,
      disk_pct: row.disk_pct,
      load_1: row.load_1,
      open_alerts: row.open_alerts,
      silent: row.silent,
    });
    expect(rows.map(pick)).toEqual([
      {
        host_name: 'db-01',
        last_seen: ago(20 * MINUTE).toISOString(),
        cpu_pct: 5,
        mem_pct: 90,
        disk_pct: 50,
        load_1: 0.5,
        open_alerts: 0,
        silent: true,
      },
      { host_name: 'fresh-01', last_seen: null, cpu_pct: null, mem_pct: null, disk_pct: null, load_1: null, open_alerts: 0, silent: false },
      { host_name: 'new-01', last_seen: null, cpu_pct: null, mem_pct: null, disk_pct: null, load_1: null, open_alerts: 0, silent: true },
      {
        host_name: 'web-01',
        last_seen: ago(MINUTE).toISOString(),
        cpu_pct: 42.5,
        mem_pct: 61,
        disk_pct: 77.25,
        load_1: 1.5,
        open_alerts: 2,
        silent: false,
      },
    ]);

    const table = await b.cli(['hosts', 'list'], { now: NOW });
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^HOST\s+LAST SEEN\s+CPU\s+MEM\s+DISK\s+LOAD\s+OPEN ALERTS\s+STATUS\s+REGISTERED$/);
    const web = lines.find((line) => line.startsWith('web-01'))!;
    expect(web).toMatch(/2026-03-10 09:59:00 \(1m ago\)\s+42\.5%\s+61%\s+77\.3%\s+1\.50\s+2\s+reporting\s+by hand$/);
    expect(lines.find((line) => line.startsWith('db-01'))).toMatch(/\(20m ago\).*\s0\s+silent\s+by hand$/);
    expect(lines.find((line) => line.startsWith('fresh-01'))).toMatch(/never.*waiting for first report\s+by hand$/);
  });

  it('hosts list flags a host silent past its own host_silent threshold, by the injected clock', async () => {
    const b = backend();
    await b.withStore(async (store) => {
      const ids = await addHosts(store, ['db-01', 'web-01']);
      await store.insertSamples([metricsSample(ids['db-01']!, ago(10 * MINUTE)), metricsSample(ids['web-01']!, ago(10 * MINUTE))]);
    });
    const silent = async (now: Date): Promise<Record<string, boolean>> => {
      const rows = parseJson<{ host_name: string; silent: boolean }[]>((await b.cli(['hosts', 'list', '--json'], { now })).stdout);
      return Object.fromEntries(rows.map((row) => [row.host_name, row.silent]));
    };
    const later = (ms: number) => new Date(NOW.getTime() + ms);

    // The built-in threshold: 5 minutes.
    expect(await silent(NOW)).toEqual({ 'db-01': true, 'web-01': true });
    expect(await silent(ago(6 * MINUTE))).toEqual({ 'db-01': false, 'web-01': false });

    // The catalogue's threshold raised to 15 minutes, and web-01's own to 30, through the config.
    const config =
      'check_types:\n  host_silent:\n    params: { crit: 15m }\nhosts:\n  web-01:\n    checks:\n      host_silent: { crit: 30m }\n';
    await writeFile(join(b.home, 'monitor.yaml'), config);
    expect((await b.cli(['checks', 'sync'], { now: NOW })).code).toBe(0);
    expect(await silent(NOW)).toEqual({ 'db-01': false, 'web-01': false });
    // Exactly 15 minutes without a report: host_silent is critical at its threshold, so silent here too.
    expect(await silent(later(5 * MINUTE))).toEqual({ 'db-01': true, 'web-01': false });
    expect(await silent(later(6 * MINUTE))).toEqual({ 'db-01': true, 'web-01': false });
    expect(await silent(later(21 * MINUTE))).toEqual({ 'db-01': true, 'web-01': true });
  });

  it("hosts rotate-key replaces the stored hash with the new key's; an unknown host is exit 1", async () => {
    const b = backend();
    const added = parseJson<{ host_key: string }>((await b.cli(['hosts', 'add', 'web-01', '--json'], { now: NOW })).stdout);

    const rotated = await b.cli(['hosts', 'rotate-key', 'web-01', '--json'], { now: NOW });

    expect(rotated.code).toBe(0);
    const { host_key: newKey } = parseJson<{ host_key: string }>(rotated.stdout);
    expect(newKey).not.toBe(added.host_key);
    const [row] = await hostRows(b);
    expect(row!.host_key_hash).toBe(sha256Hex(newKey));
    expect(await b.sql('SELECT host_id FROM hosts WHERE host_key_hash = ?', [sha256Hex(added.host_key)])).toEqual([]);

    const text = await b.cli(['hosts', 'rotate-key', 'web-01'], { now: NOW });
    const printedKey = /mk_[A-Za-z0-9_-]+/.exec(text.stdout)![0];
    expect((await hostRows(b))[0]!.host_key_hash).toBe(sha256Hex(printedKey));

    const unknown = await b.cli(['hosts', 'rotate-key', 'nope-01'], { now: NOW });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/host 'nope-01' is not registered/);
  });

  it('hosts remove needs --yes (exit 2, nothing removed); with it the host and all its data go, other hosts stay', async () => {
    const b = backend();
    const ids = await b.withStore(async (store) => {
      const created = await addHosts(store, ['web-01', 'web-02']);
      const checks = await checkIds(store);
      for (const hostName of ['web-01', 'web-02']) {
        const hostId = created[hostName]!;
        await store.insertSamples([metricsSample(hostId, ago(2 * MINUTE)), metricsSample(hostId, ago(MINUTE))]);
        await store.upsertHostChecks([{ hostId, checkId: checks.disk_space!, params: { crit: 95 }, enabled: true }]);
        await createAlert(store, {
          hostId,
          checkId: checks.disk_space!,
          triggeredAt: ago(5 * MINUTE),
          message: 'disk',
          resolvedAt: ago(4 * MINUTE),
        });
        await createAlert(store, { hostId, checkId: checks.disk_space!, triggeredAt: ago(MINUTE), message: 'disk again' });
      }
      return created;
    });
    const full = { hosts: 1, incoming_data: 2, alerts: 2, host_alert_checks: 1 };

    const refused = await b.cli(['hosts', 'remove', 'web-01'], { now: NOW });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--yes/);
    expect(await ownedRows(b, ids['web-01']!)).toEqual(full);

    const removed = await b.cli(['hosts', 'remove', 'web-01', '--yes'], { now: NOW });
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/Removed host 'web-01'/);
    expect(await ownedRows(b, ids['web-01']!)).toEqual({ hosts: 0, incoming_data: 0, alerts: 0, host_alert_checks: 0 });
    expect(await ownedRows(b, ids['web-02']!)).toEqual(full);

    const again = await b.cli(['hosts', 'remove', 'web-01', '--yes'], { now: NOW });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/host 'web-01' is not registered/);
  });
});
