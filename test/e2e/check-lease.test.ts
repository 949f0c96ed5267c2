// `monitor check` never goes silent because of a run that died, and never sends a notification twice
// because runs overlapped — through real processes (bin/monitor on dist/: `npm run build` first), a
// real slow webhook on loopback and kill -9, on SQLite and on MariaDB. The lease is renewed while a
// run works (a heartbeat) and names its holder's machine and pid; outbox rows are claimed before
// they are sent.

import { hostname } from 'node:os';
import { afterEach, expect, it } from 'vitest';
import { eachCheckBackend, type CheckBackend } from '../commands/support-check/backend.js';
import { alertRows, startFleet, storedTime, type Fleet } from '../commands/support-check/ingest.js';
import { startCli, type CliResult } from '../support/cli.js';
import { startWebhookRecorder, type WebhookRecorder } from '../support/webhook-recorder.js';

const HOSTS = Array.from({ length: 6 }, (_, i) => `storage-${String(i + 1).padStart(2, '0')}`);

eachCheckBackend('monitor check runs that die or overlap', (backend) => {
  let fleet: Fleet | null = null;
  let hook: WebhookRecorder | null = null;
  afterEach(async () => {
    await fleet?.close();
    await hook?.close();
    fleet = null;
    hook = null;
  });

  /** Every host's disk full, a webhook answering each POST after `delayMs`, and `alerting` settings. */
  async function fullDisks(delayMs: number, alerting = '', hosts = HOSTS): Promise<void> {
    hook = await startWebhookRecorder({ delayMs });
    await backend().writeConfig(`notify:\n  webhook:\n    url: ${hook.url}\n${alerting ? `alerting:\n${alerting}` : ''}`);
    fleet = await startFleet(backend(), new Date());
    for (const host of hosts) await fleet.addHost(host);
    for (const host of hosts) await fleet.report(host, { disk: 92 });
  }

  const start = (b: CheckBackend) =>
    startCli(['check'], { home: b.home, env: { MONITOR_DATABASE_URL: b.url, MONITOR_CONFIG: b.configPath } });

  /** Each outbox row accepted by the webhook exactly once: (alert, event) pairs, sorted. */
  async function expectEachRowDeliveredOnce(): Promise<void> {
    const rows = await backend().sql<{ alert_id: number; event: string; delivered_at: string | null }>(
      'SELECT alert_id, event, delivered_at FROM notifications ORDER BY alert_id',
    );
    expect(rows.every((row) => row.delivered_at !== null)).toBe(true);
    const delivered = hook!.received.map((payload) => `${payload.alert_id as number} ${payload.event as string}`).sort();
    expect(delivered).toEqual(rows.map((row) => `${row.alert_id} ${row.event}`).sort());
  }

  it('a run killed with -9 in the middle of its deliveries does not hold up the next one: it takes over at once and sends the rest, once each', async () => {
    await fullDisks(400);
    const first = start(backend());
    await hook!.requestArrived();
    first.kill('SIGKILL');
    await first.done;
    // Left behind: the lease of a process that is gone, on this machine, and the claim on the row it was sending.
    const [lease] = await backend().sql<{ holder_host: string; holder_pid: number }>('SELECT holder_host, holder_pid FROM leases');
    expect(lease).toEqual({ holder_host: hostname(), holder_pid: first.pid });
    expect(await backend().sql('SELECT notification_id FROM notifications WHERE claim_token IS NOT NULL')).toHaveLength(1);

    const next: CliResult = await start(backend()).done;
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).not.toMatch(/holds the lease/);
    await waitFor(() => hook!.inFlight === 0);
    // The row in flight when the first run died was never accepted (its sender was gone): it went again.
    expect(hook!.abandoned).toHaveLength(1);
    expect(hook!.received).toHaveLength(HOSTS.length);
    await expectEachRowDeliveredOnce();
    expect(await backend().sql('SELECT * FROM leases')).toEqual([]);
  });

  it('a run that keeps renewing its lease is left to work: a run started meanwhile says so and exits 0', async () => {
    // A 1.5 s lease, renewed every 0.5 s; the first run's deliveries take about 6 x 0.6 s.
    await fullDisks(600, '  lease_ttl: 1500ms\n');
    const first = start(backend());
    await hook!.requestArrived();
    await sleep(2_500); // well past the lease's first expiry: only the heartbeat keeps it
    const second = await start(backend()).done;
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/another `monitor check` run holds the lease; nothing to do this time/);
    expect((await first.done).code).toBe(0);
    expect(hook!.received).toHaveLength(HOSTS.length);
    await expectEachRowDeliveredOnce();
  });

  it("takes over another machine's lease once it stops being renewed, within one lease time", async () => {
    await fullDisks(0, '  lease_ttl: 3s\n');
    const now = Date.now();
    await backend().sql(
      `INSERT INTO leases (lease_name, owner, expires_at, holder_host, holder_pid, acquired_at, renewed_at) VALUES ('check', 'other-box:4242:dead', ?, 'other-box', 4242, ?, ?)`,
      [storedTime(new Date(now + 1_000)), storedTime(new Date(now - 2_000)), storedTime(new Date(now - 2_000))],
    );
    const run = await start(backend()).done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n').filter((line) => line.includes('NEW ALERT'))).toHaveLength(HOSTS.length);
    expect((await alertRows(backend())).map((alert) => alert.host_name).sort()).toEqual(HOSTS);
  });

  it('a lease held by a holder that neither renews nor lets it expire: one line on stderr, exit 1, nothing written', async () => {
    await fullDisks(0, '  lease_ttl: 1s\n');
    const now = Date.now();
    await backend().sql(
      `INSERT INTO leases (lease_name, owner, expires_at, holder_host, holder_pid, acquired_at, renewed_at) VALUES ('check', 'other-box:4242:stuck', ?, 'other-box', 4242, ?, ?)`,
      [storedTime(new Date(now + 3_600_000)), storedTime(new Date(now - 600_000)), storedTime(new Date(now - 600_000))],
    );
    const run = await start(backend()).done;
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const stderr = run.stderr.trimEnd().split('\n');
    expect(stderr[0]).toMatch(
      /^monitor: the check lease is held by other-box pid 4242, last renewed 60\d s ago, expiring .+, and its holder is not renewing it — if that run is gone, delete the row: DELETE FROM leases WHERE lease_name = 'check'$/,
    );
    expect(await alertRows(backend())).toEqual([]);
    expect(hook!.received).toEqual([]);
  });

  it('three runs at once whose lease lapses at once (lease_ttl 1ms) send each notification once between them', async () => {
    const many = Array.from({ length: 20 }, (_, i) => `disk-${String(i + 1).padStart(2, '0')}`);
    await fullDisks(50, '  lease_ttl: 1ms\n  group_threshold: 100\n', many);
    const runs = await Promise.all([0, 1, 2].map(() => start(backend()).done));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    await waitFor(() => hook!.inFlight === 0);
    expect(hook!.received).toHaveLength(many.length);
    await expectEachRowDeliveredOnce();
  });
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}
