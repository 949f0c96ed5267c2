// `monitor collect` with a server URL, against the real ingest server (startServer on a real socket)
// over SQLite and over MariaDB: unreachable server -> spooled and exit 1 with one line, then the next
// run delivers everything once, oldest first; a refused key is not spooled.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CPU_COUNTERS_FILE } from '../../src/agent/cpu.js';
import { useCleanups } from '../support/cleanups.js';
import { closedPortUrl, lines, trackedAgents, minutesAgo } from './support-collect/agent.js';
import { createTestDatabase, DATABASE_KINDS, serveOn, type ServeFixture, type TestDatabase } from './support-collect/databases.js';
import { startReportRecorder, type ReportRecorder } from './support-collect/report-recorder.js';
import { storedTime } from '../support/quiet.js';

const defer = useCleanups();

const agent = trackedAgents(defer);

async function recorder(target: string | null): Promise<ReportRecorder> {
  const started = await startReportRecorder(target);
  defer(() => started.close());
  return started;
}

describe.each(DATABASE_KINDS)('collect against serve on %s', (kind) => {
  async function serve(label: string): Promise<{ db: TestDatabase; serve: ServeFixture } | null> {
    const db = await createTestDatabase(kind, label);
    if (!db) return null;
    defer(() => db.drop());
    const fixture = await serveOn(db, 'web-01');
    defer(() => fixture.close());
    return { db, serve: fixture };
  }

  it('spools the report when the server is down, exits 1 with one line, and the next run stores both once each, oldest first', async (t) => {
    const setup = await serve('collect_dead_then_live');
    if (!setup) return t.skip();
    const { db, serve: server } = setup;
    const dead = await closedPortUrl();
    const host = await agent({ serverUrl: dead, hostKey: server.hostKey });
    const [t1, t2, t3] = [minutesAgo(3), minutesAgo(2), minutesAgo(1)];

    const down = await host.run(['collect'], { now: t1 });
    expect(down.code).toBe(1);
    expect(down.stdout).toBe('');
    expect(lines(down.stderr)).toEqual([
      `monitor: could not deliver the report: connection refused (ECONNREFUSED) for ${dead}/api/v1/reports — 1 report(s) kept in the spool are sent first on the next run`,
    ]);
    expect((await host.spooled()).map((report) => report.collected_at)).toEqual([t1.toISOString()]);
    expect(await db.rows()).toEqual([]);

    const wire = await recorder(server.url);
    const up = await host.run(['collect'], { now: t2, env: { MONITOR_SERVER_URL: wire.url } });
    expect(up).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await host.spoolFiles()).toEqual([]);
    // The spooled report goes first, in a request of its own; then this run's.
    expect(wire.requests.map((request) => request.reports.map((report) => report.collected_at))).toEqual([
      [t1.toISOString()],
      [t2.toISOString()],
    ]);
    expect(wire.requests.every((request) => request.status === 202 && request.authorization === `Bearer ${server.hostKey}`)).toBe(true);
    const rows = await db.rows();
    expect(rows.map((row) => [row.host_name, row.collected_at])).toEqual([
      ['web-01', storedTime(t1)],
      ['web-01', storedTime(t2)],
    ]);
    expect(rows[0]!.received_at <= rows[1]!.received_at).toBe(true);
    expect(
      rows.every((row) => typeof row.cpu_pct === 'number' && typeof row.mem_pct === 'number' && typeof row.disk_pct === 'number'),
    ).toBe(true);

    // Nothing is sent twice: the next run carries only its own report.
    const again = await host.run(['collect'], { now: t3, env: { MONITOR_SERVER_URL: wire.url } });
    expect(again.code).toBe(0);
    expect(wire.requests.at(-1)!.reports.map((report) => report.collected_at)).toEqual([t3.toISOString()]);
    expect((await db.rows()).map((row) => row.collected_at)).toEqual([storedTime(t1), storedTime(t2), storedTime(t3)]);
  });

  it('does not spool a report the server refuses for a bad key (401): exit 1, one line naming the key setting', async (t) => {
    const setup = await serve('collect_bad_key');
    if (!setup) return t.skip();
    const { db, serve: server } = setup;
    const host = await agent({ serverUrl: server.url, hostKey: 'mk_not-the-key-of-any-host' });

    const refused = await host.run(['collect'], { now: minutesAgo(1) });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(lines(refused.stderr)).toEqual([
      'monitor: server refused the report (401): unknown host key — check agent.host_key (or MONITOR_HOST_KEY); `monitor hosts rotate-key HOST` prints a new key',
    ]);
    expect(await host.spoolFiles()).toEqual([]);
    expect(await db.rows()).toEqual([]);
  });

  it('keeps the reports already spooled when the key is refused, and sends them once the key is fixed', async (t) => {
    const setup = await serve('collect_bad_key_spool');
    if (!setup) return t.skip();
    const { db, serve: server } = setup;
    const host = await agent({ serverUrl: await closedPortUrl(), hostKey: server.hostKey });
    const [t1, t2, t3] = [minutesAgo(3), minutesAgo(2), minutesAgo(1)];
    expect((await host.run(['collect'], { now: t1 })).code).toBe(1);
    const before = await host.spoolFiles();
    expect(before).toHaveLength(1);

    const refused = await host.run(['collect'], { now: t2, env: { MONITOR_SERVER_URL: server.url, MONITOR_HOST_KEY: 'mk_wrong' } });
    expect(refused.code).toBe(1);
    expect(lines(refused.stderr)).toHaveLength(1);
    expect(refused.stderr).toMatch(
      /^monitor: server refused spooled reports \(401\): unknown host key; 1 reports stay in .*spool until this is fixed — check agent\.host_key/,
    );
    // The spool is exactly as before: the old report kept, this run's (refused) not added.
    expect(await host.spoolFiles()).toEqual(before);
    expect(await db.rows()).toEqual([]);

    const fixed = await host.run(['collect'], { now: t3, env: { MONITOR_SERVER_URL: server.url } });
    expect(fixed).toMatchObject({ code: 0, stderr: '' });
    expect((await db.rows()).map((row) => row.collected_at)).toEqual([storedTime(t1), storedTime(t3)]);
  });
});

describe('collect without sending', () => {
  it('--print prints the JSON report and sends nothing, spools nothing, saves no CPU counters', async () => {
    const server = await recorder(null);
    const host = await agent({ serverUrl: server.url, hostKey: 'mk_some-key' });
    const now = new Date('2026-11-29T10:00:00.000Z');

    const printed = await host.run(['collect', '--print'], { now });
    expect(printed).toMatchObject({ code: 0, stderr: '' });
    const report = JSON.parse(printed.stdout) as Record<string, unknown>;
    expect(Object.keys(report).sort()).toEqual(['collected_at', 'cpu_pct', 'disk_pct', 'host_name', 'load_1', 'mem_pct']);
    expect(report).toMatchObject({ host_name: 'web-01', collected_at: '2026-11-29T10:00:00.000Z' });
    for (const field of ['cpu_pct', 'mem_pct', 'disk_pct'] as const) {
      expect(report[field]).toBeGreaterThanOrEqual(0);
      expect(report[field]).toBeLessThanOrEqual(100);
    }
    expect(server.requests).toEqual([]);
    expect(await host.spoolFiles()).toEqual([]);
    // The next real run measures CPU since the last real run, not since this look.
    const counters = join(host.spoolDir, '..', CPU_COUNTERS_FILE);
    expect(existsSync(counters)).toBe(false);
    await host.run(['collect'], { now });
    expect(existsSync(counters)).toBe(true);
  });

  it('--print with pipeline facts shows them in the report', async () => {
    const host = await agent({});
    const printed = await host.run(['collect', '--print', '--no-metrics', '--dataset', 'orders', '--files', '3']);
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.stdout)).toMatchObject({ host_name: 'web-01', dataset_name: 'orders', files_count: 3 });
    expect(JSON.parse(printed.stdout)).not.toHaveProperty('cpu_pct');
  });

  it('exits 2 naming agent.host_key and the config file when server.url is set without a host key, and sends nothing', async () => {
    const server = await recorder(null);
    const host = await agent({ yaml: `server:\n  url: ${server.url}\n` });

    const result = await host.run(['collect']);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain(`${host.configFile}: agent.host_key: no host key for 'web-01'`);
    expect(result.stderr).toContain('MONITOR_HOST_KEY');
    expect(server.requests).toEqual([]);
    expect(await host.spoolFiles()).toEqual([]);
  });

  it('exits 2 naming agent.host_key when only MONITOR_SERVER_URL is set', async () => {
    const server = await recorder(null);
    const host = await agent({ serverUrl: server.url });
    const result = await host.run(['collect']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^monitor: .*agent\.host_key: no host key for 'web-01'/);
    expect(server.requests).toEqual([]);
  });
});
