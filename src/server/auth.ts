// Bearer host key -> host. Only a sha256 of each key is stored, so the presented key is hashed and
// looked up by hash. Lookups are cached briefly: one database round trip per report would cap the
// ingest rate, while a short TTL still lets `hosts rotate-key` / `hosts remove` take effect within
// seconds in every serve process (each has its own cache; the database is the only shared state).

import * as crypto from 'node:crypto';
import type { Clock } from '../context.js';
import type { Store } from '../store/store.js';
import type { Host } from '../store/types.js';
import { HttpError } from './http-error.js';

export interface KeyAuthOptions {
  store: Store;
  clock: Clock;
  /** How long a found host is trusted without asking the database again. */
  ttlMs?: number;
  /** How long an unknown key stays unknown: blunts key guessing against the database. */
  negativeTtlMs?: number;
  /** Bound on cached keys, so a flood of random keys cannot grow memory without limit. */
  maxEntries?: number;
}

export interface KeyAuth {
  /** The host whose key is in the Authorization header; HttpError 401 when missing or unknown. */
  authenticate(authorization: string | undefined): Promise<Host>;
  /** The host when its key is cached and fresh, else null (then call authenticate): the hot path without a promise. */
  cachedHost(authorization: string | undefined): Host | null;
  /** Forgets cached keys (all, or one by its hash), e.g. right after a rotate or remove in this process. */
  invalidate(keyHash?: string): void;
}

interface CacheEntry {
  hash: Buffer;
  host: Host | null;
  expiresAt: number;
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;
const MAX_KEY_LENGTH = 512;

/** sha256 of the key as bytes (the stored form is its hex, see hashHostKey in src/hosts/host-key.ts). */
const sha256: (key: string) => Buffer =
  // crypto.hash (Node >= 20.12) is a one-shot without a Hash object: this runs on every request.
  typeof crypto.hash === 'function'
    ? (key) => crypto.hash('sha256', key, 'buffer')
    : (key) => crypto.createHash('sha256').update(key, 'utf8').digest();

export function createKeyAuth(options: KeyAuthOptions): KeyAuth {
  const ttlMs = options.ttlMs ?? 30_000;
  const negativeTtlMs = options.negativeTtlMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, CacheEntry>();
  // Concurrent first requests with the same key share one database lookup.
  const inFlight = new Map<string, Promise<Host | null>>();

  const unauthorized = (message: string): HttpError =>
    new HttpError(401, message, { headers: { 'www-authenticate': 'Bearer realm="monitor"' } });

  const remember = (hashHex: string, hash: Buffer, host: Host | null): void => {
    if (cache.size >= maxEntries) evict();
    cache.set(hashHex, { hash, host, expiresAt: options.clock.now().getTime() + (host ? ttlMs : negativeTtlMs) });
  };

  const evict = (): void => {
    const now = options.clock.now().getTime();
    for (const [key, entry] of cache) if (entry.expiresAt <= now) cache.delete(key);
    // Still full: drop the oldest insertions (Map keeps insertion order).
    for (const key of cache.keys()) {
      if (cache.size < maxEntries) break;
      cache.delete(key);
    }
  };

  const lookup = (hashHex: string, hash: Buffer): Promise<Host | null> => {
    let pending = inFlight.get(hashHex);
    if (!pending) {
      pending = options.store.findHostByKeyHash(hashHex).then(
        (host) => {
          inFlight.delete(hashHex);
          remember(hashHex, hash, host);
          return host;
        },
        (error: unknown) => {
          inFlight.delete(hashHex);
          throw error;
        },
      );
      inFlight.set(hashHex, pending);
    }
    return pending;
  };

  const fresh = (hashHex: string, hash: Buffer): CacheEntry | null => {
    const entry = cache.get(hashHex);
    // The map is keyed by the hash, so its lookup time says nothing about any stored key; the
    // constant-time comparison makes the final equality check independent of where bytes differ.
    if (entry && entry.expiresAt > options.clock.now().getTime() && crypto.timingSafeEqual(entry.hash, hash)) return entry;
    return null;
  };

  return {
    cachedHost(authorization) {
      const key = authorization ? BEARER.exec(authorization)?.[1] : undefined;
      if (!key || key.length > MAX_KEY_LENGTH) return null;
      const hash = sha256(key);
      return fresh(hash.toString('hex'), hash)?.host ?? null;
    },

    async authenticate(authorization) {
      if (!authorization) throw unauthorized('missing Authorization: Bearer <host key>');
      const match = BEARER.exec(authorization);
      if (!match) throw unauthorized('Authorization must be "Bearer <host key>"');
      const key = match[1]!;
      if (key.length > MAX_KEY_LENGTH) throw unauthorized('unknown host key');

      const hash = sha256(key);
      const hashHex = hash.toString('hex');
      const entry = fresh(hashHex, hash);
      let host: Host | null;
      if (entry) {
        host = entry.host;
      } else {
        cache.delete(hashHex);
        host = await lookup(hashHex, hash);
      }
      if (!host) throw unauthorized('unknown host key');
      return host;
    },

    invalidate(keyHash) {
      if (keyHash === undefined) cache.clear();
      else cache.delete(keyHash.toLowerCase());
    },
  };
}
