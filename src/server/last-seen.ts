// hosts.last_seen, refreshed apart from the ingest transactions. Written in every commit, that one
// row per host is what several `serve`s on a cluster fight over (Galera aborts one of two
// transactions that touched it on two nodes). Here it is written after the reports are committed,
// at most once per `intervalMs` (the first report of a quiet spell at once), in one statement for
// every host seen since: on a busy server last_seen lags the newest acknowledged report by at most
// the interval plus one write. Failures are logged once and the times kept for the next try.

import type { Logger } from '../context.js';
import type { Store } from '../store/store.js';

export const LAST_SEEN_INTERVAL_MS = 5_000;

export class LastSeenRefresher {
  readonly #store: Store;
  readonly #log: Logger;
  readonly #intervalMs: number;
  /** Newest receive time per host not yet written. */
  #pending = new Map<number, Date>();
  #lastWrite = -Infinity;
  #timer: NodeJS.Timeout | null = null;
  #writing: Promise<void> | null = null;
  #failing = false;
  #closed = false;

  constructor(options: { store: Store; log: Logger; intervalMs?: number }) {
    this.#store = options.store;
    this.#log = options.log;
    this.#intervalMs = options.intervalMs ?? LAST_SEEN_INTERVAL_MS;
  }

  /** Hosts whose reports were just committed, with their receive time. */
  seen(hostId: number, at: Date): void {
    const known = this.#pending.get(hostId);
    if (known === undefined || at > known) this.#pending.set(hostId, at);
    this.#schedule();
  }

  /** Writes whatever is pending now, and nothing after (server shutdown, before the store closes). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#writing;
    if (this.#pending.size > 0) await this.#write();
  }

  #schedule(): void {
    if (this.#timer !== null || this.#writing !== null || this.#closed) return;
    const wait = Math.max(0, this.#lastWrite + this.#intervalMs - performance.now());
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#write();
    }, wait);
    this.#timer.unref();
  }

  #write(): Promise<void> {
    const batch = [...this.#pending].map(([hostId, at]) => ({ hostId, at }));
    this.#pending = new Map();
    this.#lastWrite = performance.now();
    this.#writing = (async () => {
      try {
        await this.#store.touchHosts(batch);
        if (this.#failing) this.#log.info('hosts.last_seen is being refreshed again');
        this.#failing = false;
      } catch (error) {
        // Keep them for the next write (a newer time for the same host wins).
        for (const { hostId, at } of batch) {
          const known = this.#pending.get(hostId);
          if (known === undefined || at > known) this.#pending.set(hostId, at);
        }
        if (!this.#failing)
          this.#log.warn('could not refresh hosts.last_seen; will retry', {
            error: error instanceof Error ? error.message : String(error),
          });
        this.#failing = true;
      } finally {
        this.#writing = null;
        if (this.#pending.size > 0) this.#schedule();
      }
    })();
    return this.#writing;
  }
}
