// A per-client budget of refused POST /api/v1/register attempts: a client address whose tokens or
// names keep being refused is guessing or looping, and gets 429 for the rest of the window. Accepted
// registrations spend nothing, so a rollout of hundreds of agents behind one NAT address or proxy
// registers in one minute instead of ten a minute. Fixed windows in memory, one serve process at a
// time; the table of addresses is bounded so a flood of addresses cannot grow it.

export interface RateLimit {
  /** The seconds `client` must wait at `now` because its budget is spent, else 0. Counts nothing. */
  wait(client: string, now: number): number;
  /** Counts one refused attempt from `client` at `now`. */
  take(client: string, now: number): void;
}

export function createRateLimit(options: { perWindow: number; windowMs: number; maxClients?: number }): RateLimit {
  const maxClients = options.maxClients ?? 10_000;
  const windows = new Map<string, { startedAt: number; count: number }>();
  const current = (client: string, now: number) => {
    const window = windows.get(client);
    return window && now - window.startedAt < options.windowMs ? window : undefined;
  };
  return {
    wait(client, now) {
      const window = current(client, now);
      if (!window || window.count < options.perWindow) return 0;
      return Math.max(1, Math.ceil((window.startedAt + options.windowMs - now) / 1000));
    },
    take(client, now) {
      let window = current(client, now);
      if (!window) {
        if (!windows.has(client) && windows.size >= maxClients) {
          // Forget the oldest windows first (insertion order).
          for (const key of windows.keys()) {
            windows.delete(key);
            if (windows.size < maxClients / 2) break;
          }
        }
        window = { startedAt: now, count: 0 };
        windows.delete(client);
        windows.set(client, window);
      }
      window.count += 1;
    },
  };
}
