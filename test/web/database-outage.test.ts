// The dashboard and the ingest API share one view of the database, over real sockets on a real
// SQLite store: a dashboard read that outlives the database deadline is a 503 that marks the
// database down (one warning, as when an agent's write times out), and the first database call that
// answers again — from either side — marks it up (one "reachable again").

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../src/errors.js';
import { startServer, type RunningServer } from '../../src/server/app.js';
import type { Store } from '../../src/store/store.js';
import { get } from '../server/http-client.js';
import { serverConfig, type IngestFixture } from '../server/ingest-scenario.js';
import { sqliteFixture } from '../server/sqlite-fixture.js';
import { memoryLog } from '../support/memory-log.js';

const DATABASE_TIMEOUT_MS = 300;
/** A stalled read is given up after this long, as the MySQL driver does after its timeout. */
const STALL_MS = DATABASE_TIMEOUT_MS * 3;
let fixture: IngestFixture;
let server: RunningServer;
const log = memoryLog();
let reads: 'normal' | 'stall' | 'refused' = 'normal';

/** The real store, with the fleet page's host list made to stall or be refused on demand. */
function misbehaving(store: Store): Store {
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name !== 'listHostRecords') return Reflect.get(target, name, receiver) as unknown;
      return (...args: Parameters<Store['listHostRecords']>) => {
        if (reads === 'stall')
          return new Promise((_, reject) => setTimeout(() => reject(new UnavailableError('no answer to the read')), STALL_MS));
        if (reads === 'refused') return Promise.reject(new UnavailableError('cannot reach the database: connection refused'));
        return target.listHostRecords(...args);
      };
    },
  });
}

const transitions = () =>
  log.lines
    .filter((line) => line.message.startsWith('database unavailable') || line.message === 'database reachable again')
    .map((line) => [line.level, line.message, line.fields?.error]);

beforeAll(async () => {
  fixture = await sqliteFixture();
  server = await startServer({ store: misbehaving(fixture.store), config: serverConfig(), log, databaseTimeoutMs: DATABASE_TIMEOUT_MS });
});
afterAll(async () => {
  reads = 'normal';
  await new Promise((resolve) => setTimeout(resolve, STALL_MS));
  await server.close();
  await fixture.cleanup();
});

describe('the dashboard and the API share the database status', () => {
  it('a dashboard read past the deadline: 503 with Retry-After, and the database marked down as the API marks it', async () => {
    reads = 'stall';
    const page = await get(server.url, '/');
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe('5');
    expect(page.text).toContain('database unavailable');
    expect(transitions()).toEqual([
      ['warn', 'database unavailable: answering 503 until it is back', `no answer within ${DATABASE_TIMEOUT_MS} ms`],
    ]);
  });

  it('the API answering again marks it up: one "reachable again", whichever side saw the outage', async () => {
    reads = 'normal';
    expect((await get(server.url, '/healthz')).status).toBe(200);
    expect(transitions().slice(1)).toEqual([['info', 'database reachable again', undefined]]);
  });

  it('a dashboard read refused as unavailable marks it down too, and the next good page marks it up', async () => {
    reads = 'refused';
    const api = await get(server.url, '/api/v1/hosts');
    expect(api.status).toBe(503);
    expect(api.body).toEqual({ error: 'database unavailable' });
    reads = 'normal';
    expect((await get(server.url, '/')).status).toBe(200);
    expect(transitions().slice(2)).toEqual([
      ['warn', 'database unavailable: answering 503 until it is back', 'cannot reach the database: connection refused'],
      ['info', 'database reachable again', undefined],
    ]);
  });
});
