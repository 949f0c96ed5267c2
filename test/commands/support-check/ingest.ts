// The way data reaches `monitor check` in production: hosts registered with `monitor hosts add
// --json` (their key printed once), agents posting reports with that key to the real ingest API
// (startServer on a free port, the agent's own sendReports), and `monitor check` run by a clock the
// test moves by hand — so "a minute later" costs nothing and every sample is exactly as fresh as meant.

import { expect } from 'vitest';
import { sendReports } from '../../../src/agent/send.js';
import { startServer, type RunningServer } from '../../../src/server/app.js';
import type { Store } from '../../../src/store/store.js';
import type { CliResult } from '../../support/cli.js';
import type { CheckBackend } from './backend.js';
import { silentLog } from '../../support/quiet.js';
import { manualClock } from '../../support/clock.js';

export { silentLog };

export const MINUTE = 60_000;

/** Where the story starts; every check and report time is a whole number of minutes after it. */
export const T0 = new Date('2026-05-04T09:00:00.000Z');

export interface Metrics {
  cpu?: number;
  mem?: number;
  disk?: number;
  load?: number;
}

export interface Fleet {
  readonly clock: { now(): Date };
  /** Moves the clock. */
  advance(ms: number): void;
  /** `monitor hosts add NAME --json`; remembers the printed key. */
  addHost(name: string): Promise<number>;
  /** One report per host through POST /api/v1/reports, collected now; asserts it was accepted. */
  report(name: string, metrics: Metrics): Promise<void>;
  /** `monitor check …` in-process, as of now. */
  check(args?: string[], env?: Record<string, string>): Promise<CliResult>;
  /** One cron minute: advances the clock a minute, each host reports its metrics, `monitor check` runs. */
  tick(reports: Record<string, Metrics>, args?: string[]): Promise<CliResult>;
  close(): Promise<void>;
}

export function startFleet(backend: CheckBackend, start: Date = T0): Promise<Fleet> {
  const clock = manualClock(start);
  const keys = new Map<string, string>();
  let store: Store | null = null;
  let server: RunningServer | null = null;

  const ingest = async (): Promise<RunningServer> => {
    // Opened on first use: `hosts add` must create the database the way a user's first command does.
    store ??= await backend.openStore();
    server ??= await startServer({
      store,
      config: {
        listen: { host: '127.0.0.1', port: 0 },
        url: null,
        maxBodyBytes: 1024 * 1024,
        requestTimeoutMs: 5_000,
        tls: null,
        metricsToken: null,
        metricsListen: null,
      },
      log: silentLog,
      clock,
      listen: { host: '127.0.0.1', port: 0 },
    });
    return server;
  };

  const fleet: Fleet = {
    clock,
    advance: (ms) => clock.advance(ms),
    async addHost(name) {
      const result = await backend.cli(['hosts', 'add', name, '--json'], { now: clock.now() });
      expect(result.code, result.stderr).toBe(0);
      const added = JSON.parse(result.stdout) as { host_id: number; host_key: string };
      keys.set(name, added.host_key);
      return added.host_id;
    },
    async report(name, metrics) {
      const { url } = await ingest();
      const sent = await sendReports({
        serverUrl: url,
        hostKey: keys.get(name)!,
        reports: [
          {
            host_name: name,
            collected_at: clock.now().toISOString(),
            cpu_pct: metrics.cpu ?? 12,
            mem_pct: metrics.mem ?? 40,
            disk_pct: metrics.disk ?? 45,
            load_1: metrics.load ?? 0.4,
          },
        ],
        timeoutMs: 5_000,
      });
      expect(sent).toMatchObject({ kind: 'accepted', body: { accepted: 1, duplicates: 0 } });
    },
    check: (args = [], env = {}) => backend.cli(['check', ...args], { now: clock.now(), env }),
    async tick(reports, args = []) {
      fleet.advance(MINUTE);
      for (const [name, metrics] of Object.entries(reports)) await fleet.report(name, metrics);
      return fleet.check(args);
    },
    async close() {
      await server?.close();
      await store?.close();
    },
  };
  return Promise.resolve(fleet);
}

/** stdout as lines, without the trailing empty one. */
export function lines(result: CliResult): string[] {
  return result.stdout.split('\n').filter((line) => line !== '');
}

export interface AlertRow {
  alert_id: number;
  host_name: string;
  check_key: string;
  severity: string;
  status: string;
  triggered_at: string;
  resolved_at: string | null;
  message: string;
  resolve_message: string | null;
  value: number | null;
  acknowledged_at: string | null;
}

/** The alerts table joined by hand, oldest first. */
export function alertRows(backend: CheckBackend): Promise<AlertRow[]> {
  return backend.sql<AlertRow>(
    `SELECT a.alert_id, h.host_name, t.check_key, a.severity, a.status, a.triggered_at, a.resolved_at, a.message,
            a.resolve_message, a.value, a.acknowledged_at
       FROM alerts a JOIN hosts h ON h.host_id = a.host_id JOIN alert_types t ON t.check_id = a.check_id
      ORDER BY a.triggered_at, a.alert_id`,
  );
}

export { storedTime } from '../../support/quiet.js';
