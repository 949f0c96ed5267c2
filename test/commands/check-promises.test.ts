// The alerting promises of issue 9, end to end on both databases through a real webhook: an alert
// re-opened inside its cooldown is announced once the cooldown is over; an announced alert's resolve
// is sent even while flapping; open alerts are repeated until acknowledged; a silent host's other
// checks open nothing from its stale samples; alerts keep their firing, worst and resolving values;
// every payload carries the thresholds.

import { afterEach, expect, it } from 'vitest';
import { startEndpoint, type HttpEndpoint } from '../notify/fixtures/http-endpoint.js';
import { eachCheckBackend } from './support-check/backend.js';
import { alertRows, lines, MINUTE, startFleet, type Fleet } from './support-check/ingest.js';

const HOST = 'storage-server-04';

interface Sent {
  event: string;
  alert_id: number | null;
  text: string;
  message: string;
  value: number | null;
  params: Record<string, unknown>;
  reopened_at?: string;
  open_for_seconds?: number;
}

eachCheckBackend('monitor check keeps its alerting promises', (backend) => {
  let fleet: Fleet | undefined;
  let hook: HttpEndpoint | undefined;
  afterEach(async () => {
    await fleet?.close();
    await hook?.close();
  });

  async function start(extra = ''): Promise<Fleet> {
    hook = await startEndpoint({ status: 204 });
    await backend().writeConfig(`notify:\n  webhook:\n    - url: ${hook.url}/hook\n      timeout: 3s\n${extra}`);
    fleet = await startFleet(backend());
    await fleet.addHost(HOST);
    return fleet;
  }
  const sent = (): Sent[] => hook!.requests.map((request) => JSON.parse(request.body) as Sent);
  const disk = (percent: number) => ({ [HOST]: { disk: percent } });

  it('announces an alert re-opened inside its cooldown once the cooldown is over, saying when it re-opened', async () => {
    // Flap detection held off: this is about the cooldown alone.
    const f = await start('alerting:\n  flap_high: 90\n  flap_low: 80\n');
    await f.tick(disk(92)); // 09:01 open, announced
    await f.tick(disk(45)); // 09:02 resolve, announced; cooldown (5m) until 09:07
    const reopened = await f.tick(disk(93)); // 09:03 re-open, quiet
    expect(lines(reopened)).toEqual([]);
    for (let minute = 4; minute < 7; minute++) expect(lines(await f.tick(disk(93)))).toEqual([]);
    const late = await f.tick(disk(93)); // 09:07: the cooldown is over, the alert still open
    const [, second] = await alertRows(backend());
    expect(lines(late)).toEqual([
      `🚨 NEW ALERT #${second!.alert_id}: Disk Space - Host '${HOST}' disk usage critical: 93% (re-opened at 2026-05-04 09:03 UTC, during the cooldown)`,
    ]);
    expect(lines(await f.tick(disk(93)))).toEqual([]);
    // ... so its resolve is announced too: two announced opens, two announced closes.
    expect(lines(await f.tick(disk(40)))).toEqual([`✅ RESOLVED: Disk Space - Host '${HOST}' disk usage normal: 40%`]);
    expect(sent()[2]).toMatchObject({ event: 'open', alert_id: second!.alert_id, reopened_at: '2026-05-04T09:03:00.000Z' });
    const [first] = await alertRows(backend());
    expect(sent().map((payload) => [payload.event, payload.alert_id])).toEqual([
      ['open', first!.alert_id],
      ['resolve', first!.alert_id],
      ['open', second!.alert_id],
      ['resolve', second!.alert_id],
    ]);
  });

  it('sends the resolve of an announced alert while the check is flapping', async () => {
    const f = await start('check_types:\n  disk_space:\n    cooldown: 0\n');
    const events: string[] = [];
    // Flapping begins while the first alert is open; every change after that is quiet — but that
    // alert's resolve must still reach the webhook.
    for (const [index, value] of [45, 92, 45, 92, 85, 92, 85, 92, 45].entries()) {
      const result = await f.tick(disk(value), ['--json']);
      const json = JSON.parse(result.stdout) as { transitions: { event: string; notified: boolean }[] };
      events.push(...json.transitions.map((t) => `${index}:${t.event}${t.notified ? '' : '(quiet)'}`));
    }
    const alerts = await alertRows(backend());
    const opens = sent()
      .filter((payload) => payload.event === 'open')
      .map((payload) => payload.alert_id);
    const closes = sent()
      .filter((payload) => payload.event === 'resolve')
      .map((payload) => payload.alert_id);
    // Alert 2 opens (announced), the check starts flapping while it is open, and it resolves while
    // still flapping: that resolve is sent (today's bug: the webhook got open and flapping, never resolve).
    expect(events).toEqual([
      '1:open',
      '2:resolve',
      '3:open',
      '4:deescalate(quiet)',
      '4:flapping',
      '5:escalate(quiet)',
      '6:deescalate(quiet)',
      '7:escalate(quiet)',
      '8:resolve',
    ]);
    expect(sent().map((payload) => payload.event)).toEqual(['open', 'resolve', 'open', 'flapping', 'resolve']);
    expect(opens.length).toBeGreaterThan(0);
    // Every announced open has exactly one announced close once its alert is resolved.
    for (const alertId of opens) {
      const status = alerts.find((alert) => alert.alert_id === alertId)!.status;
      expect(closes.filter((id) => id === alertId)).toHaveLength(status === 'resolved' ? 1 : 0);
    }
    expect(closes).toEqual([...new Set(closes)]);
    for (const alertId of closes) expect(opens).toContain(alertId);
  });

  it('repeats an open, unacknowledged alert every repeat_interval; ack stops the repeats, the resolve is still sent', async () => {
    const f = await start('alerting:\n  repeat_interval: 10m\n');
    await f.tick(disk(92));
    const [alert] = await alertRows(backend());
    const printed: string[] = [];
    for (let minute = 2; minute <= 21; minute++) printed.push(...lines(await f.tick(disk(minute === 11 ? 97 : 92))));
    expect(printed).toEqual([
      `🔔 STILL CRITICAL #${alert!.alert_id}: Disk Space - Host '${HOST}' disk usage critical: 97% (still critical for 10m)`,
      `🔔 STILL CRITICAL #${alert!.alert_id}: Disk Space - Host '${HOST}' disk usage critical: 92% (still critical for 20m)`,
    ]);
    expect(
      sent()
        .filter((payload) => payload.event === 'repeat')
        .map((payload) => payload.open_for_seconds),
    ).toEqual([600, 1200]);
    expect(
      sent()
        .filter((payload) => payload.event === 'repeat')
        .map((payload) => payload.message),
    ).toEqual([
      `Host '${HOST}' disk usage critical: 97% (still critical for 10m)`,
      `Host '${HOST}' disk usage critical: 92% (still critical for 20m)`,
    ]);
    const acked = await backend().cli(['alerts', 'ack', String(alert!.alert_id)], { now: f.clock.now() });
    expect(acked.code, acked.stderr).toBe(0);
    for (let minute = 22; minute <= 45; minute++) expect(lines(await f.tick(disk(92)))).toEqual([]);
    expect(lines(await f.tick(disk(45)))).toEqual([`✅ RESOLVED: Disk Space - Host '${HOST}' disk usage normal: 45%`]);
    expect(sent().map((payload) => payload.event)).toEqual(['open', 'repeat', 'repeat', 'resolve']);
  });

  it('check_types.KEY.repeat_interval overrides the default, and 0 turns repeats off', async () => {
    const f = await start('alerting:\n  repeat_interval: 10m\ncheck_types:\n  disk_space:\n    repeat_interval: 0\n');
    for (let minute = 1; minute <= 30; minute++) await f.tick(disk(92));
    expect(sent().map((payload) => payload.event)).toEqual(['open']);
  });

  it('while a host is silent, its other checks are unknown: a stale sample opens nothing', async () => {
    const f = await start('hosts:\n  storage-server-04:\n    checks:\n      host_silent: { crit: 3m }\n');
    await f.tick(disk(45));
    // The last report says 92%, then the host goes quiet: host_silent fires after 3 minutes, while
    // the 92% sample is still younger than sample_max_age (5m).
    f.advance(MINUTE);
    await f.report(HOST, { disk: 92, cpu: 99 });
    f.advance(4 * MINUTE);
    const silent = await f.check();
    expect(lines(silent)).toEqual([
      expect.stringMatching(/^🚨 NEW ALERT #\d+: Host Silent - Host 'storage-server-04' silent: no report for 4m$/),
    ]);
    expect((await alertRows(backend())).map((alert) => alert.check_key)).toEqual(['host_silent']);
    const json = JSON.parse((await f.check(['--dry-run', '--json'])).stdout) as { transitions: unknown[] };
    expect(json.transitions).toEqual([]);
    // Back: host_silent resolves, and the disk is judged on fresh data again.
    const back = await f.tick(disk(93));
    expect(lines(back)).toEqual(
      [
        expect.stringMatching(/^🚨 NEW ALERT #\d+: Disk Space - Host 'storage-server-04' disk usage critical: 93%$/),
        "✅ RESOLVED: Host Silent - Host 'storage-server-04' reporting: last report 0s ago",
      ].sort(),
    );
  });

  it('keeps the firing value, the worst value while open and the resolving value apart', async () => {
    const f = await start();
    for (const value of [91, 96, 93, 85, 40]) await f.tick(disk(value));
    const rows = await backend().sql<{ value: number; peak_value: number; resolve_value: number; severity: string }>(
      'SELECT value, peak_value, resolve_value, severity FROM alerts',
    );
    // Opened critical at 91, worst 96, eased to warning at 85 (the value that crossed the new level), resolved at 40.
    expect(
      rows.map((row) => ({
        ...row,
        value: Number(row.value),
        peak_value: Number(row.peak_value),
        resolve_value: Number(row.resolve_value),
      })),
    ).toEqual([{ value: 85, peak_value: 96, resolve_value: 40, severity: 'warning' }]);
    const shown = JSON.parse((await backend().cli(['alerts', 'list', '--json'], { now: f.clock.now() })).stdout) as Record<
      string,
      unknown
    >[];
    expect(shown[0]).toMatchObject({ value: 85, peak_value: 96, resolve_value: 40 });
  });

  it('puts the effective thresholds and the deciding value in every payload', async () => {
    const f = await start('hosts:\n  storage-server-04:\n    checks:\n      disk_space: { crit: 95 }\n');
    await f.tick(disk(96));
    await f.tick(disk(40));
    expect(sent().map(({ event, value, params }) => ({ event, value, params }))).toEqual([
      { event: 'open', value: 96, params: { warn: 80, crit: 95, for: '0s' } },
      { event: 'resolve', value: 40, params: { warn: 80, crit: 95, for: '0s' } },
    ]);
  });
});
