// Host key authentication against a real SQLite store; the clock is moved by hand to expire cache
// entries, and a counting wrapper around the real store shows when the database is asked.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateHostKey, hashHostKey } from '../../src/hosts/host-key.js';
import { createKeyAuth } from '../../src/server/auth.js';
import { HttpError } from '../../src/server/http-error.js';
import type { Store } from '../../src/store/store.js';
import type { Host } from '../../src/store/types.js';
import { type IngestFixture } from './ingest-scenario.js';
import { manualClock } from '../support/clock.js';
import { sqliteFixture } from './sqlite-fixture.js';

let fixture: IngestFixture;
let host: Host;
let key: string;
let lookups: number;
let counted: Store;
const clock = manualClock(new Date('2025-03-10T12:00:00Z'));

beforeEach(async () => {
  fixture = await sqliteFixture();
  key = generateHostKey();
  host = await fixture.store.addHost({ hostName: 'web-01', keyHash: hashHostKey(key), description: null, createdAt: clock.now() });
  lookups = 0;
  counted = new Proxy(fixture.store, {
    get(target, prop, receiver) {
      if (prop === 'findHostByKeyHash') return (hash: string) => (lookups++, target.findHostByKeyHash(hash));
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
});
afterEach(() => fixture.cleanup());

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    if (error instanceof HttpError) return error.status;
    throw error;
  }
}

describe('host key authentication', () => {
  it('finds the host of a Bearer key and asks the database once while the entry is fresh', async () => {
    const auth = createKeyAuth({ store: counted, clock, ttlMs: 30_000 });
    expect((await auth.authenticate(`Bearer ${key}`)).hostName).toBe('web-01');
    expect((await auth.authenticate(`bearer   ${key}`)).hostId).toBe(host.hostId);
    clock.advance(29_000);
    await auth.authenticate(`Bearer ${key}`);
    expect(lookups).toBe(1);
  });

  it('answers from the cache without a promise only for a fresh, known key', async () => {
    const auth = createKeyAuth({ store: counted, clock, ttlMs: 30_000 });
    expect(auth.cachedHost(`Bearer ${key}`)).toBeNull();
    await auth.authenticate(`Bearer ${key}`);
    expect(auth.cachedHost(`Bearer ${key}`)?.hostName).toBe('web-01');
    expect(auth.cachedHost(`Bearer ${generateHostKey()}`)).toBeNull();
    expect(auth.cachedHost(undefined)).toBeNull();
    clock.advance(30_001);
    expect(auth.cachedHost(`Bearer ${key}`)).toBeNull();
    expect(lookups).toBe(1);
  });

  it('shares one database lookup between concurrent first requests with the same key', async () => {
    const auth = createKeyAuth({ store: counted, clock });
    await Promise.all(Array.from({ length: 10 }, () => auth.authenticate(`Bearer ${key}`)));
    expect(lookups).toBe(1);
  });

  it('stops accepting a rotated key once its cache entry expires, even when another process rotated it', async () => {
    const auth = createKeyAuth({ store: counted, clock, ttlMs: 30_000 });
    await auth.authenticate(`Bearer ${key}`);
    const newKey = generateHostKey();
    await fixture.store.setHostKeyHash(host.hostId, hashHostKey(newKey));
    expect(await status(auth.authenticate(`Bearer ${key}`))).toBe(200);
    clock.advance(30_001);
    expect(await status(auth.authenticate(`Bearer ${key}`))).toBe(401);
    expect((await auth.authenticate(`Bearer ${newKey}`)).hostName).toBe('web-01');
  });

  it('forgets cached keys at once on invalidate()', async () => {
    const auth = createKeyAuth({ store: counted, clock });
    await auth.authenticate(`Bearer ${key}`);
    await fixture.store.removeHost(host.hostId);
    expect(await status(auth.authenticate(`Bearer ${key}`))).toBe(200);
    auth.invalidate(hashHostKey(key));
    expect(await status(auth.authenticate(`Bearer ${key}`))).toBe(401);
  });

  it('remembers an unknown key briefly, then asks again', async () => {
    const auth = createKeyAuth({ store: counted, clock, negativeTtlMs: 5_000 });
    const guess = generateHostKey();
    expect(await status(auth.authenticate(`Bearer ${guess}`))).toBe(401);
    expect(await status(auth.authenticate(`Bearer ${guess}`))).toBe(401);
    expect(lookups).toBe(1);
    clock.advance(5_001);
    expect(await status(auth.authenticate(`Bearer ${guess}`))).toBe(401);
    expect(lookups).toBe(2);
  });

  it('keeps the cache bounded under a flood of random keys', async () => {
    const auth = createKeyAuth({ store: counted, clock, maxEntries: 5 });
    await auth.authenticate(`Bearer ${key}`);
    for (let i = 0; i < 20; i++) await status(auth.authenticate(`Bearer ${generateHostKey()}`));
    // The real key was pushed out by the flood: it is looked up again (and still works).
    const before = lookups;
    await auth.authenticate(`Bearer ${key}`);
    expect(lookups).toBe(before + 1);
  });

  it.each([
    ['no header', undefined, 'missing Authorization: Bearer <host key>'],
    ['another scheme', `Basic ${Buffer.from('a:b').toString('base64')}`, 'Authorization must be "Bearer <host key>"'],
    ['an empty bearer', 'Bearer ', 'Authorization must be "Bearer <host key>"'],
    ['two tokens', 'Bearer a b', 'Authorization must be "Bearer <host key>"'],
  ])('refuses %s with 401 and a WWW-Authenticate challenge', async (_name, header, message) => {
    const auth = createKeyAuth({ store: counted, clock });
    const error = await auth.authenticate(header).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(401);
    expect((error as HttpError).message).toBe(message);
    expect((error as HttpError).headers['www-authenticate']).toMatch(/^Bearer/);
    expect(lookups).toBe(0);
  });
});
