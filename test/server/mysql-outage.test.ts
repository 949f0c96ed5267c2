// The database cut off while serve runs: a TCP proxy the test controls sits between serve and the
// shared MariaDB (which is never stopped). While cut, POSTs get 503 with Retry-After and the real
// agent code spools; once restored, serve recovers by itself and every report lands exactly once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverWithSpool } from '../../src/agent/deliver.js';
import { sendReports } from '../../src/agent/send.js';
import { Spool } from '../../src/agent/spool.js';
import { generateHostKey, hashHostKey } from '../../src/hosts/host-key.js';
import type { Report } from '../../src/reports/report.js';
import { startServer, type RunningServer } from '../../src/server/app.js';
import { makeTempDir, removeTempDir } from '../support/temp-dir.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { get, postReports } from './http-client.js';
import { serverConfig } from './ingest-scenario.js';
import { memoryLog } from '../support/memory-log.js';
import { mysqlFixture, type MysqlFixture } from './mysql-fixture.js';
import { newReport } from '../support/samples.js';
import { MYSQL_SERVER_URL } from '../support/mysql.js';

let fixture: MysqlFixture | null = null;
let proxy: TcpProxy;
let server: RunningServer;
let spoolDir: string;
let key: string;
const log = memoryLog();
const agentLog = memoryLog();
const started = Date.now();

const report = (second: number): Report =>
  newReport(new Date(started - 600_000 + second * 1000), { cpuPct: second, memPct: 50, diskPct: 60 });

/** One `monitor collect` run's delivery: spool first, then send (the agent's real code). */
function collect(second: number) {
  return deliverWithSpool({
    spool: new Spool(spoolDir),
    report: report(second),
    send: (reports) => sendReports({ serverUrl: server.url, hostKey: key, reports, timeoutMs: 10_000 }),
    batchSize: 100,
    limits: { maxBytes: 10 * 1024 * 1024, maxAgeMs: 86_400_000 },
    now: new Date(),
    log: agentLog,
  });
}

beforeAll(async () => {
  // The proxy stands in for the test server (MONITOR_TEST_MYSQL_URL), wherever that is.
  const testServer = new URL(MYSQL_SERVER_URL);
  proxy = await startTcpProxy({ host: testServer.hostname, port: Number(testServer.port || 3306) });
  fixture = await mysqlFixture('server_outage', (url) => {
    const proxied = new URL(url);
    proxied.hostname = proxy.host;
    proxied.port = String(proxy.port);
    return proxied.toString();
  });
  if (!fixture) return;
  key = generateHostKey();
  await fixture.store.addHost({ hostName: 'web-01', keyHash: hashHostKey(key), description: null, createdAt: new Date() });
  spoolDir = await makeTempDir('monitor-spool-');
  server = await startServer({ store: fixture.store, config: serverConfig(), log, databaseTimeoutMs: 5_000 });
});

afterAll(async () => {
  await proxy.restore();
  await server?.close();
  await fixture?.cleanup();
  await proxy.close();
  if (spoolDir) await removeTempDir(spoolDir);
});

/** serve must come back on its own: poll its health (bounded), as a load balancer would. */
async function untilHealthy(): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if ((await get(server.url, '/healthz')).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('serve did not recover within 5 s of the database coming back');
}

describe('database cut off while serve runs (MariaDB behind a TCP proxy)', () => {
  it('stores through the proxy while it is up', async ({ skip }) => {
    if (!fixture) return skip();
    expect(await collect(1)).toMatchObject({ sent: 1, spooled: 0, unavailable: null });
    expect(await fixture.countRows()).toBe(1);
    expect(proxy.acceptedConnections).toBeGreaterThan(0);
  });

  it('answers 503 with Retry-After while the database is unreachable, and the agent spools', async ({ skip }) => {
    if (!fixture) return skip();
    await proxy.cut();

    const direct = await postReports(server.url, key, { host_name: 'web-01', collected_at: new Date().toISOString(), cpu_pct: 1 });
    expect(direct.status).toBe(503);
    expect(direct.headers.get('retry-after')).toBe('5');
    expect(direct.body).toEqual({ error: 'database unavailable' });

    const health = await get(server.url, '/healthz');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ database: 'unavailable' });

    const second = await collect(2);
    expect(second.sent).toBe(0);
    expect(second.spooled).toBe(1);
    expect(second.unavailable).toContain('503');
    const third = await collect(3);
    expect(third.spooled).toBe(2);

    // A key never seen before cannot be checked either: 503 (try later), not 401 (refused).
    expect(
      (await postReports(server.url, generateHostKey(), { host_name: 'web-01', collected_at: new Date().toISOString(), cpu_pct: 1 }))
        .status,
    ).toBe(503);
    expect((await get(server.url, '/metrics')).text).toContain('monitor_database_up 0');
  });

  it('recovers by itself once the database is back, and every report lands exactly once', async ({ skip }) => {
    if (!fixture) return skip();
    await proxy.restore();
    await untilHealthy();

    // A run killed after its report was committed but before its spool file was removed leaves a
    // report that is both stored and spooled: it is re-sent and must not become a second row.
    await new Spool(spoolDir).append([report(1)]);

    const fourth = await collect(4);
    expect(fourth).toMatchObject({ sent: 4, spooled: 0, unavailable: null });
    const rows = await fixture.query<{ cpu_pct: number; n: number }>(
      'SELECT cpu_pct, COUNT(*) AS n FROM incoming_data GROUP BY host_id, collected_at, dataset_name, cpu_pct ORDER BY cpu_pct',
    );
    expect(rows.map((row) => [Number(row.cpu_pct), Number(row.n)])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
    ]);
    expect(server.metrics.reportsDuplicate).toBe(1);
  });

  it('never acknowledges a report it lost when the connection drops under concurrent writes', async ({ skip }) => {
    if (!fixture) return skip();
    const before = await fixture.countRows();
    const total = 300;
    const wire = Array.from({ length: total }, (_, i) => ({
      host_name: 'web-01',
      collected_at: new Date(started - 300_000 + i * 10).toISOString(),
      cpu_pct: 1,
    }));
    const acknowledged: number[] = [];
    const refused: number[] = [];
    let next = 0;
    // Set inside a callback; the cast keeps TypeScript from narrowing it to null for good.
    let cut = null as Promise<void> | null;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < total) {
          const i = next++;
          if (i === 100) cut = proxy.cut(); // mid-stream: some writes are in flight right now
          const answer = await postReports(server.url, key, wire[i]);
          (answer.status === 202 ? acknowledged : refused).push(i);
          expect([202, 503]).toContain(answer.status);
        }
      }),
    );
    await cut;
    expect(acknowledged.length).toBeGreaterThanOrEqual(100 - 10);
    expect(refused.length).toBeGreaterThan(0);
    expect(await fixture.countRows()).toBeGreaterThanOrEqual(before + acknowledged.length);

    await proxy.restore();
    await untilHealthy();
    // The agents re-send what was not acknowledged (some of it may have committed after all).
    const resend = await postReports(server.url, key, { reports: refused.map((i) => wire[i]) });
    expect(resend.status).toBe(202);
    expect(Number(resend.body.accepted) + Number(resend.body.duplicates)).toBe(refused.length);
    expect(await fixture.countRows()).toBe(before + total);
  });

  it('logged the outage once and the recovery once, not a line per failed request', ({ skip }) => {
    if (!fixture) return skip();
    const messages = log.lines.map((line) => line.message);
    // Two outages in this file: each logged once when it began and once when it ended.
    expect(messages.filter((m) => m.startsWith('database unavailable'))).toHaveLength(2);
    expect(messages.filter((m) => m === 'database reachable again')).toHaveLength(2);
    expect(log.lines.filter((line) => line.level === 'error')).toEqual([]);
  });
});
