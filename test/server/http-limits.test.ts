// Slow, partial and abandoned requests, and key changes seen by a running server (SQLite, real sockets).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../src/errors.js';
import { generateHostKey, hashHostKey } from '../../src/hosts/host-key.js';
import { startServer, type RunningServer } from '../../src/server/app.js';
import type { Host } from '../../src/store/types.js';
import { get, postReports, rawConnection } from './http-client.js';
import { serverConfig, type IngestFixture } from './ingest-scenario.js';
import { manualClock } from '../support/clock.js';
import { memoryLog } from '../support/memory-log.js';
import { sqliteFixture } from './sqlite-fixture.js';

const REQUEST_TIMEOUT_MS = 400;
let fixture: IngestFixture;
let server: RunningServer;
let host: Host;
let key: string;
const clock = manualClock();
const log = memoryLog();
const report = (secondsAgo: number) => ({
  host_name: 'web-01',
  collected_at: new Date(clock.now().getTime() - secondsAgo * 1000).toISOString(),
  cpu_pct: 5,
});

beforeAll(async () => {
  fixture = await sqliteFixture();
  key = generateHostKey();
  host = await fixture.store.addHost({ hostName: 'web-01', keyHash: hashHostKey(key), description: null, createdAt: clock.now() });
  server = await startServer({ store: fixture.store, config: serverConfig({ requestTimeoutMs: REQUEST_TIMEOUT_MS }), log, clock });
});
afterAll(async () => {
  await server.close();
  await fixture.cleanup();
});

describe('slow and partial requests', () => {
  it('answers 408 and closes the connection when a body stops arriving', async () => {
    const body = JSON.stringify(report(1));
    const { socket, received } = await rawConnection(server.url);
    const started = Date.now();
    socket.write(
      `POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 20)}`,
    );
    const response = await received;
    const elapsed = Date.now() - started;
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
    expect(response).toContain('request body not received within 0.4s');
    expect(elapsed).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(REQUEST_TIMEOUT_MS + 3_000);
    expect(await fixture.countRows()).toBe(0);
  });

  it('cuts off a client that never finishes its headers', async () => {
    const { socket, received } = await rawConnection(server.url);
    const started = Date.now();
    socket.write(`POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n`);
    const response = await received;
    expect(response === '' || response.startsWith('HTTP/1.1 408')).toBe(true);
    expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS + 3_000);
  });

  it('stores nothing from a client that disconnects halfway through its body, and keeps serving', async () => {
    const body = JSON.stringify(report(2));
    const { socket, received } = await rawConnection(server.url);
    socket.write(
      `POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 30)}`,
    );
    while (server.activeRequests === 0) await new Promise((resolve) => setImmediate(resolve));
    socket.destroy();
    await received;
    while (server.activeRequests > 0) await new Promise((resolve) => setImmediate(resolve));
    expect(await fixture.countRows()).toBe(0);
    expect((await get(server.url, '/healthz')).status).toBe(200);
    expect((await postReports(server.url, key, report(2))).status).toBe(202);
    expect(await fixture.countRows()).toBe(1);
  });
});

describe('listening', () => {
  it('fails with a clear error when the address is taken', async () => {
    const taken = startServer({
      store: fixture.store,
      config: serverConfig({ listen: { host: '127.0.0.1', port: server.port } }),
      log: memoryLog(),
    });
    await expect(taken).rejects.toThrow(`cannot listen on 127.0.0.1:${server.port}: address already in use`);
    await expect(taken).rejects.toBeInstanceOf(UnavailableError);
  });
});

describe('key changes seen by a running server', () => {
  it('keeps a rotated key working only until the key cache entry expires', async () => {
    expect((await postReports(server.url, key, report(3))).status).toBe(202);
    const newKey = generateHostKey();
    await fixture.store.setHostKeyHash(host.hostId, hashHostKey(newKey));
    expect((await postReports(server.url, key, report(4))).status).toBe(202);
    clock.advance(31_000);
    expect((await postReports(server.url, key, report(5))).status).toBe(401);
    expect((await postReports(server.url, newKey, report(5))).status).toBe(202);
    key = newKey;
  });

  it('refuses a removed host at once after auth.invalidate()', async () => {
    expect((await postReports(server.url, key, report(6))).status).toBe(202);
    await fixture.store.removeHost(host.hostId);
    server.auth.invalidate();
    expect((await postReports(server.url, key, report(7))).status).toBe(401);
  });
});
