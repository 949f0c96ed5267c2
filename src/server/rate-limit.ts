// A per-client budget for POST /api/v1/register: registration is rare (once per agent), so a client
// address that asks more often than that is guessing tokens or looping. Fixed windows in memory, one
// serve process at a time; the table of addresses is bounded so a flood of addresses cannot grow it.

export interface RateLimit {
  /** Counts one attempt from `client` at `now`; returns the seconds to wait when over budget, else 0. */
  take(client: string, now: number): number;
}

export function createRateLimit(options: { perWindow: number; windowMs: number; maxClients?: number }): RateLimit {
  const maxClients = options.maxClients ?? 10_000;
  const windows = new Map<string, { startedAt: number; count: number }>();
  return {
    take(client, now) {
      let window = windows.get(client);
      if (!window || now - window.startedAt >= options.windowMs) {
        if (!window && windows.size >= maxClients) {
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
      if (window.count <= options.perWindow) return 0;
      return Math.max(1, Math.ceil((window.startedAt + options.windowMs - now) / 1000));
    },
  };
}
