// serve over HTTPS with certificates the test makes (openssl), re-read on SIGHUP; /metrics behind a
// bearer token or on an address of its own; absurd numbers refused. Real sockets throughout.

import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../src/config/types.js';
import { hashHostKey } from '../../src/hosts/host-key.js';
import { sendReports } from '../../src/agent/send.js';
import { startServer, type RunningServer } from '../../src/server/app.js';
import { makeTestCa, type TestCa } from '../support/certificates.js';
import { silentLog } from '../support/quiet.js';
import { makeTempDir } from '../support/temp-dir.js';
import { runCli } from '../support/cli.js';
import { closedPort } from '../support/network.js';
import { get, postReports } from './http-client.js';
import { serverConfig } from './ingest-scenario.js';
import { sqliteFixture } from './sqlite-fixture.js';

const KEY = 'host-key-of-web-01-0123456789abcdef';
const TOKEN = 'metrics-token-0123456789abcdef';

let running: RunningServer | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await running?.close();
  await cleanup?.();
  running = undefined;
  cleanup = undefined;
});

async function serve(overrides: Partial<ServerConfig>): Promise<{ server: RunningServer; countRows: () => Promise<number> }> {
  const fixture = await sqliteFixture();
  await fixture.store.addHost({ hostName: 'web-01', keyHash: hashHostKey(KEY), description: null, createdAt: new Date() });
  running = await startServer({ store: fixture.store, log: silentLog, config: serverConfig(overrides) });
  cleanup = () => fixture.cleanup();
  return { server: running, countRows: () => fixture.countRows() };
}

const report = () => ({ host_name: 'web-01', collected_at: new Date().toISOString(), cpu_pct: 5, load_1: 0.5 });

/** SHA-256 fingerprint of the certificate the server presents now. */
function presentedCertificate(url: string, ca: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ca, servername: 'localhost' }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.once('error', reject);
  });
}

describe('serve over HTTPS (server.tls)', () => {
  let ca: TestCa;
  let first: { certPath: string; keyPath: string };
  let second: { certPath: string; keyPath: string };
  beforeAll(async () => {
    ca = await makeTestCa(await makeTempDir('monitor-tls-'));
    first = await ca.issue('first');
    second = await ca.issue('second');
  });

  it('accepts reports from an agent that trusts agent.ca_file, and an agent trusting only the system CAs refuses the server', async () => {
    const live = join(ca.dir, 'live');
    await copyFile(first.certPath, `${live}.pem`);
    await copyFile(first.keyPath, `${live}.key`);
    const { server, countRows } = await serve({ tls: { certFile: `${live}.pem`, keyFile: `${live}.key` } });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const caPem = await readFile(ca.caPath, 'utf8');

    const trusted = await sendReports({ serverUrl: server.url, hostKey: KEY, reports: [report()], timeoutMs: 5000, ca: caPem });
    expect(trusted).toMatchObject({ kind: 'accepted', body: { accepted: 1 } });

    const untrusted = await sendReports({ serverUrl: server.url, hostKey: KEY, reports: [report()], timeoutMs: 5000 });
    expect(untrusted.kind).toBe('unavailable');
    expect((untrusted as { reason: string }).reason).toMatch(
      /TLS certificate is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\).*agent\.ca_file/,
    );
    expect((untrusted as { reason: string }).reason).not.toContain(KEY);
    expect(await countRows()).toBe(1);
  });

  it('re-reads the certificate on reload (SIGHUP), and keeps the old one when the new files are broken', async () => {
    const live = join(ca.dir, 'rotating');
    await copyFile(first.certPath, `${live}.pem`);
    await copyFile(first.keyPath, `${live}.key`);
    const { server } = await serve({ tls: { certFile: `${live}.pem`, keyFile: `${live}.key` } });
    const caPem = await readFile(ca.caPath, 'utf8');
    const before = await presentedCertificate(server.url, caPem);

    await copyFile(second.certPath, `${live}.pem`);
    await copyFile(second.keyPath, `${live}.key`);
    expect(server.reloadTls()).toBe(true);
    const after = await presentedCertificate(server.url, caPem);
    expect(after).not.toBe(before);

    await writeFile(`${live}.key`, 'not a key');
    expect(server.reloadTls()).toBe(false);
    expect(await presentedCertificate(server.url, caPem)).toBe(after);
  });

  it('`monitor serve` re-reads the certificate when it receives SIGHUP', async () => {
    const home = await makeTempDir('monitor-tls-serve-');
    const live = join(home, 'live');
    await copyFile(first.certPath, `${live}.pem`);
    await copyFile(first.keyPath, `${live}.key`);
    const port = await closedPort();
    await writeFile(
      join(home, 'monitor.yaml'),
      `database:\n  url: ${join(home, 'm.db')}\nserver:\n  listen: 127.0.0.1:${port}\n  tls: { cert: ${live}.pem, key: ${live}.key }\n`,
    );
    const stop = new AbortController();
    const served = runCli(['serve'], { home, env: { MONITOR_CONFIG: join(home, 'monitor.yaml') }, signal: stop.signal });
    const caPem = await readFile(ca.caPath, 'utf8');
    const url = `https://127.0.0.1:${port}`;
    let before: string | null = null;
    for (let i = 0; i < 100 && before === null; i++) {
      before = await presentedCertificate(url, caPem).catch(() => null);
      if (before === null) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(before).not.toBeNull();
    await copyFile(second.certPath, `${live}.pem`);
    await copyFile(second.keyPath, `${live}.key`);
    process.emit('SIGHUP', 'SIGHUP');
    expect(await presentedCertificate(url, caPem)).not.toBe(before);
    stop.abort();
    const result = await served;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('TLS certificate reloaded');
  });
});

describe('read endpoints (server.metrics_token, server.metrics_listen)', () => {
  const scrape = (url: string, authorization?: string) => fetch(`${url}/metrics`, authorization ? { headers: { authorization } } : {});

  it('with metrics_token, /metrics needs that bearer token: none, a wrong one or a host key get 401', async () => {
    const { server } = await serve({ metricsToken: TOKEN });
    expect((await postReports(server.url, KEY, report())).status).toBe(202);

    const none = await scrape(server.url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="monitor"');
    expect(await none.text()).not.toContain('web-01');
    expect((await scrape(server.url, `Bearer ${KEY}`)).status).toBe(401);
    expect((await scrape(server.url, `Bearer ${TOKEN}x`)).status).toBe(401);

    const good = await scrape(server.url, `Bearer ${TOKEN}`);
    expect(good.status).toBe(200);
    expect(await good.text()).toContain('monitor_host_cpu_pct{host="web-01"} 5');
    // Probes stay open: they tell nothing about hosts.
    expect((await get(server.url, '/healthz')).status).toBe(200);
  });

  it('with metrics_listen, /metrics moves to its own address; reports stay on listen only', async () => {
    const { server } = await serve({ metricsListen: { host: '127.0.0.1', port: 0 } });
    expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.metricsUrl).not.toBe(server.url);

    expect((await scrape(server.url)).status).toBe(404);
    expect((await scrape(server.metricsUrl!)).status).toBe(200);
    expect((await get(server.metricsUrl!, '/healthz')).status).toBe(200);
    expect((await get(server.url, '/healthz')).status).toBe(200);
    expect((await postReports(server.metricsUrl!, KEY, report())).status).toBe(404);
    expect((await postReports(server.url, KEY, report())).status).toBe(202);
  });
});

describe('numeric bounds', () => {
  it('refuses {"load_1": 1e308} with 400 naming the field, stores nothing, and /metrics shows no Infinity', async () => {
    const { server, countRows } = await serve({});
    const answer = await postReports(server.url, KEY, { ...report(), load_1: 1e308 });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('load_1: must be at most 1000000, got 1e+308');
    expect(await countRows()).toBe(0);
    expect((await postReports(server.url, KEY, { ...report(), load_1: 999_999.5 })).status).toBe(202);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('monitor_host_load_1{host="web-01"} 999999.5');
    expect(metrics).not.toMatch(/Infinity|NaN/);
  });
});
