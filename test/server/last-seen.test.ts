// hosts.last_seen is written apart from the ingest commits: the first report of a quiet spell at
// once, then at most once per interval for every host seen meanwhile, never a time moving back;
// a failed write is kept for the next; close() writes what is left. Real SQLite store.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LastSeenRefresher } from '../../src/server/last-seen.js';
import type { Store } from '../../src/store/store.js';
import { memoryLog } from '../support/memory-log.js';
import { sqliteFixture } from './sqlite-fixture.js';
import type { IngestFixture } from './ingest-scenario.js';

const at = (second: number): Date => new Date(Date.parse('2026-12-01T00:00:00.000Z') + second * 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LastSeenRefresher', () => {
  let fixture: IngestFixture;
  let web: number;
  let db: number;
  const writes: { hostId: number; at: Date }[][] = [];
  let failNext = false;

  beforeEach(async () => {
    fixture = await sqliteFixture();
    web = (await fixture.store.addHost({ hostName: 'web-01', keyHash: 'a'.repeat(64), description: null, createdAt: at(0) })).hostId;
    db = (await fixture.store.addHost({ hostName: 'db-01', keyHash: 'b'.repeat(64), description: null, createdAt: at(0) })).hostId;
    writes.length = 0;
  });
  afterEach(() => fixture.cleanup());

  /** The real store, its touchHosts recorded (and failing once on demand). */
  const recording = (store: Store): Store =>
    new Proxy(store, {
      get(target, name, receiver) {
        if (name !== 'touchHosts') return Reflect.get(target, name, receiver) as unknown;
        return async (seen: { hostId: number; at: Date }[]) => {
          writes.push(seen);
          if (failNext) {
            failNext = false;
            throw new Error('database down');
          }
          return target.touchHosts(seen);
        };
      },
    });
  const lastSeen = async (name: string) => (await fixture.store.findHostByName(name))!.lastSeen;

  it('writes the first report at once, then one write per interval for everything seen meanwhile', async () => {
    const refresher = new LastSeenRefresher({ store: recording(fixture.store), log: memoryLog(), intervalMs: 200 });
    refresher.seen(web, at(1));
    await sleep(50);
    expect(writes).toHaveLength(1);
    expect(await lastSeen('web-01')).toEqual(at(1));
    for (let i = 2; i <= 50; i++) refresher.seen(i % 2 ? web : db, at(i));
    refresher.seen(web, at(3)); // older than one already noted: ignored
    await sleep(50);
    expect(writes).toHaveLength(1);
    await sleep(250);
    expect(writes).toHaveLength(2);
    expect(writes[1]!.sort((a, b) => a.hostId - b.hostId)).toEqual(
      [
        { hostId: web, at: at(49) },
        { hostId: db, at: at(50) },
      ].sort((a, b) => a.hostId - b.hostId),
    );
    expect(await lastSeen('web-01')).toEqual(at(49));
    expect(await lastSeen('db-01')).toEqual(at(50));
    await refresher.close();
  });

  it('keeps what a failed write carried for the next one, logs once, and close() writes what is left', async () => {
    const log = memoryLog();
    const refresher = new LastSeenRefresher({ store: recording(fixture.store), log, intervalMs: 100 });
    failNext = true;
    refresher.seen(web, at(5));
    await sleep(30);
    expect(await lastSeen('web-01')).toBeNull();
    expect(log.texts()).toEqual(['warn: could not refresh hosts.last_seen; will retry']);
    await sleep(150);
    expect(await lastSeen('web-01')).toEqual(at(5));
    refresher.seen(db, at(9));
    await refresher.close();
    expect(await lastSeen('db-01')).toEqual(at(9));
  });
});
