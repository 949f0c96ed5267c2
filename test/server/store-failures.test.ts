// What an agent gets when the store itself misbehaves, over real sockets on a real SQLite store: a
// bug (an error the server does not know) is a 500 that tells the agent nothing of the internals and
// logs the error for the operator; a database that stalls is a 503 with Retry-After once the
// database deadline passes, never a request held open (the store gives the stalled write up later,
// as the MySQL writer does after its write timeout); both leave nothing written, and the next
// request goes through once the store behaves.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryableTransactionError, UnavailableError } from '../../src/errors.js';
import { generateHostKey, hashHostKey } from '../../src/hosts/host-key.js';
import { startServer, type RunningServer } from '../../src/server/app.js';
import type { Store } from '../../src/store/store.js';
import { get, postReports } from './http-client.js';
import { serverConfig, type IngestFixture } from './ingest-scenario.js';
import { memoryLog } from '../support/memory-log.js';
import { sqliteFixture } from './sqlite-fixture.js';

const DATABASE_TIMEOUT_MS = 300;
let fixture: IngestFixture;
let server: RunningServer;
let key: string;
const log = memoryLog();
/** How the next write behaves: as the store does, throws a bug, or stalls past the deadline. */
let writes: 'normal' | 'bug' | 'stall' | 'conflict' = 'normal';
/** Write attempts the store saw (each retry is one). */
let attempts = 0;
/** A stalled write is given up (as unavailable) after this long, like the MySQL writer's write timeout. */
const STALL_MS = DATABASE_TIMEOUT_MS * 3;

/** The real store, with its one write method made to misbehave on demand. */
function misbehaving(store: Store): Store {
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name === 'listHosts' && writes === 'stall') return () => new Promise((resolve) => setTimeout(() => resolve([]), STALL_MS));
      if (name !== 'insertSampleGroups') return Reflect.get(target, name, receiver) as unknown;
      return (groups: Parameters<Store['insertSampleGroups']>[0]) => {
        attempts++;
        if (writes === 'conflict')
          return Promise.reject(new RetryableTransactionError('Deadlock found when trying to get lock; try restarting transaction'));
        if (writes === 'bug') return Promise.reject(new TypeError("Cannot read properties of undefined (reading 'secret_column')"));
        if (writes === 'stall') {
          return new Promise((_, reject) => setTimeout(() => reject(new UnavailableError('no answer to the write')), STALL_MS));
        }
        return target.insertSampleGroups(groups);
      };
    },
  });
}

const report = () => ({ host_name: 'web-01', collected_at: new Date(Date.now() - 1000).toISOString(), cpu_pct: 5 });

beforeAll(async () => {
  fixture = await sqliteFixture();
  key = generateHostKey();
  await fixture.store.addHost({ hostName: 'web-01', keyHash: hashHostKey(key), description: null, createdAt: new Date() });
  server = await startServer({ store: misbehaving(fixture.store), config: serverConfig(), log, databaseTimeoutMs: DATABASE_TIMEOUT_MS });
});
afterAll(async () => {
  writes = 'normal';
  await server.close();
  await fixture.cleanup();
});

describe('a store that misbehaves', () => {
  it('a bug: 500 "internal error" without the internals, one error line for the operator, nothing written', async () => {
    writes = 'bug';
    const answer = await postReports(server.url, key, report());
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ error: 'internal error' });
    expect(answer.text).not.toContain('secret_column');
    const errors = log.lines.filter((line) => line.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ message: 'request failed', fields: { method: 'POST', path: '/api/v1/reports' } });
    expect(errors[0]!.fields!.error).toContain('secret_column');
    expect(await fixture.countRows()).toBe(0);
  });

  it('a stall: 503 with Retry-After once the database deadline passes, and a warning that says why', async () => {
    writes = 'stall';
    const started = Date.now();
    const answer = await postReports(server.url, key, report());
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ error: 'database unavailable' });
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(Date.now() - started).toBeGreaterThanOrEqual(DATABASE_TIMEOUT_MS - 20);
    expect(log.lines.filter((line) => line.level === 'warn').map((line) => [line.message, line.fields?.error])).toEqual([
      ['database unavailable: answering 503 until it is back', `no answer within ${DATABASE_TIMEOUT_MS} ms`],
    ]);
    expect(await fixture.countRows()).toBe(0);
  });

  it('a stall does not hang a /metrics scrape: it answers at the deadline, with database_up 0', async () => {
    writes = 'stall';
    const started = Date.now();
    const scrape = await get(server.url, '/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.text).toMatch(/^monitor_database_up 0$/m);
    expect(Date.now() - started).toBeLessThan(STALL_MS);
  });

  it('writes that keep losing to other writers: retried until the deadline, then 503 "write conflict" — not an outage, nothing logged', async () => {
    writes = 'normal';
    await new Promise((resolve) => setTimeout(resolve, STALL_MS));
    const before = log.lines.length;
    writes = 'conflict';
    attempts = 0;
    const answer = await postReports(server.url, key, report());
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ error: 'write conflict with other writers; try again' });
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(attempts).toBeGreaterThan(3);
    expect(log.lines.slice(before)).toEqual([]);
    const health = await get(server.url, '/healthz');
    expect(health.status).toBe(200);
  });

  it('once the store behaves again, the next report is accepted and written', async () => {
    writes = 'normal';
    // The stalled write is given up; the writer is free again.
    await new Promise((resolve) => setTimeout(resolve, STALL_MS));
    const answer = await postReports(server.url, key, report());
    expect(answer.status).toBe(202);
    expect(await fixture.countRows()).toBe(1);
  });
});
