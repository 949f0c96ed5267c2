// What `monitor check` records but does not announce, end to end over an injected clock: a flapping
// disk (one FLAPPING line, then silence until it settles, every alert still in the table), an alert
// re-opened within its check type's cooldown, and an acknowledged alert that escalates.

import { afterEach, expect, it } from 'vitest';
import { eachCheckBackend } from './support-check/backend.js';
import { alertRows, lines, MINUTE, startFleet, type Fleet } from './support-check/ingest.js';

const HOST = 'storage-server-04';

eachCheckBackend('monitor check: recorded, not announced', (backend) => {
  let fleet: Fleet;
  afterEach(async () => {
    await fleet?.close();
  });

  const disk = (percent: number) => ({ [HOST]: { disk: percent } });

  it('an open alert whose remembered state was lost: its resolve is still announced, not swallowed as quiet', async () => {
    fleet = await startFleet(backend());
    await fleet.addHost(HOST);
    const opened = await fleet.tick(disk(92));
    expect(lines(opened)).toHaveLength(1);
    await backend().sql('DELETE FROM check_state');
    const resolved = await fleet.tick(disk(45));
    expect(lines(resolved)).toEqual([`✅ RESOLVED: Disk Space - Host '${HOST}' disk usage normal: 45%`]);
    expect((await alertRows(backend())).map((alert) => alert.status)).toEqual(['resolved']);
  });

  it('--dry-run shows, at every step of a flapping disk, exactly what the real run then records (but new alert ids)', async () => {
    fleet = await startFleet(backend());
    await fleet.addHost(HOST);
    type Json = {
      transitions: {
        event: string;
        alert_id: number | null;
        status: string | null;
        severity: string | null;
        notified: boolean;
        text: string;
      }[];
    };
    let steps = 0;
    // Flapping (45/92 alternating), then stable at 45% until flap detection lets go.
    for (let minute = 0; minute < 40; minute++) {
      fleet.advance(MINUTE);
      await fleet.report(HOST, { disk: minute < 12 && minute % 2 === 1 ? 92 : 45 });
      const dry = JSON.parse((await fleet.check(['--dry-run', '--json'])).stdout) as Json;
      const real = JSON.parse((await fleet.check(['--json'])).stdout) as Json;
      // The dry run cannot know the id a new alert will get; everything else must match.
      const opened = new Set(real.transitions.filter((t) => t.event === 'open').map((t) => t.alert_id));
      const masked = real.transitions.map((t) =>
        opened.has(t.alert_id) ? { ...t, alert_id: null, text: t.text.replace(/#\d+/, '#null') } : t,
      );
      expect(
        dry.transitions.map(({ text: _text, ...t }) => t),
        `minute ${minute}`,
      ).toEqual(masked.map(({ text: _text, ...t }) => t));
      steps += real.transitions.length;
    }
    expect(steps).toBeGreaterThan(10);
  });

  it('a flapping disk prints one FLAPPING line, no open/resolve spam, and one FLAPPING ENDED when it settles; every alert is recorded', async () => {
    fleet = await startFleet(backend());
    await fleet.addHost(HOST);
    const printed: string[] = [];
    const quiet: { event: string; quiet_reason: string | null }[] = [];

    // Twelve minutes of 45% / 92% / 45% / …
    for (let minute = 0; minute < 12; minute++) {
      const result = await fleet.tick(disk(minute % 2 === 0 ? 45 : 92), ['--json']);
      expect(result.code, result.stderr).toBe(0);
      const json = JSON.parse(result.stdout) as {
        transitions: { event: string; notified: boolean; quiet_reason: string | null; text: string }[];
      };
      for (const transition of json.transitions) {
        if (transition.notified) printed.push(transition.text);
        else quiet.push({ event: transition.event, quiet_reason: transition.quiet_reason });
      }
    }
    const alerts = await alertRows(backend());
    expect(printed).toEqual([
      `🚨 NEW ALERT #${alerts[0]!.alert_id}: Disk Space - Host '${HOST}' disk usage critical: 92%`,
      `✅ RESOLVED: Disk Space - Host '${HOST}' disk usage normal: 45%`,
      `🔀 FLAPPING: Disk Space - Host '${HOST}' is flapping; notifications paused`,
    ]);
    // The re-open inside the cooldown was quiet; after that, flapping holds back every change.
    expect(quiet[0]).toEqual({ event: 'open', quiet_reason: 'cooldown' });
    expect(quiet.slice(1).every((transition) => transition.quiet_reason === 'flapping')).toBe(true);
    expect(quiet).toHaveLength(9);
    // Six times at 92%: six alerts, each opened and resolved in the table.
    expect(alerts).toHaveLength(6);
    expect(alerts.map((alert) => alert.status)).toEqual(['resolved', 'resolved', 'resolved', 'resolved', 'resolved', 'open']);

    // Stable again: the console stays quiet until flap detection lets go, then says so once.
    const settling: string[] = [];
    for (let minute = 0; minute < 22; minute++) settling.push(...lines(await fleet.tick(disk(45))));
    expect(settling).toEqual([
      `🔁 FLAPPING ENDED: Disk Space - Host '${HOST}' disk usage normal: 45% (stable again, notifications resumed)`,
    ]);
    expect((await alertRows(backend())).map((alert) => alert.status)).toEqual(Array(6).fill('resolved'));
  });

  it('an alert re-opened within the cooldown is recorded but not announced, nor is its end; after the cooldown it is', async () => {
    // Flap detection out of the way: this test is about the cooldown alone.
    await backend().writeConfig('alerting:\n  flap_high: 95\n  flap_low: 90\n');
    fleet = await startFleet(backend());
    await fleet.addHost(HOST);

    const output: string[][] = [];
    for (const percent of [45, 92, 45, 92, 45]) output.push(lines(await fleet.tick(disk(percent))));
    const alerts = await alertRows(backend());
    expect(output).toEqual([
      [],
      [`🚨 NEW ALERT #${alerts[0]!.alert_id}: Disk Space - Host '${HOST}' disk usage critical: 92%`],
      [`✅ RESOLVED: Disk Space - Host '${HOST}' disk usage normal: 45%`],
      [],
      [],
    ]);
    expect(alerts.map((alert) => [alert.status, alert.message])).toEqual([
      ['resolved', `Host '${HOST}' disk usage critical: 92%`],
      ['resolved', `Host '${HOST}' disk usage critical: 92%`],
    ]);

    // --verbose shows what was held back, and why.
    fleet.advance(MINUTE);
    await fleet.report(HOST, { disk: 93 });
    const verbose = await fleet.check(['--verbose']);
    const third = (await alertRows(backend()))[2]!;
    expect(lines(verbose)).toEqual([
      `🚨 NEW ALERT #${third.alert_id}: Disk Space - Host '${HOST}' disk usage critical: 93% [not notified: in cooldown after a recent resolve]`,
    ]);
    await fleet.tick(disk(45));

    // Five minutes (the default cooldown) after the last resolve, an alert is news again.
    for (let minute = 0; minute < 5; minute++) expect(lines(await fleet.tick(disk(45)))).toEqual([]);
    const late = await fleet.tick(disk(92));
    expect(lines(late)).toEqual([
      expect.stringMatching(new RegExp(`^🚨 NEW ALERT #\\d+: Disk Space - Host '${HOST}' disk usage critical: 92%$`)),
    ]);
    expect(await alertRows(backend())).toHaveLength(4);
  });

  it('an acknowledged alert escalates quietly, and its resolve is still announced', async () => {
    fleet = await startFleet(backend());
    await fleet.addHost(HOST);
    await fleet.tick(disk(45));
    const warning = await fleet.tick(disk(85));
    const [alert] = await alertRows(backend());
    expect(lines(warning)).toEqual([`🚨 NEW ALERT #${alert!.alert_id}: Disk Space - Host '${HOST}' disk usage warning: 85%`]);

    const ack = await backend().cli(['alerts', 'ack', String(alert!.alert_id)], { now: fleet.clock.now() });
    expect(ack.code, ack.stderr).toBe(0);

    const worse = await fleet.tick(disk(95), ['--json']);
    const json = JSON.parse(worse.stdout) as { transitions: { event: string; notified: boolean; quiet_reason: string | null }[] };
    expect(json.transitions).toEqual([expect.objectContaining({ event: 'escalate', notified: false, quiet_reason: 'acknowledged' })]);
    expect(await alertRows(backend())).toEqual([
      expect.objectContaining({
        alert_id: alert!.alert_id,
        status: 'open',
        severity: 'critical',
        message: `Host '${HOST}' disk usage critical: 95%`,
        value: 95,
      }),
    ]);
    expect(lines(await fleet.tick(disk(96)))).toEqual([]);

    const resolved = await fleet.tick(disk(45));
    expect(lines(resolved)).toEqual([`✅ RESOLVED: Disk Space - Host '${HOST}' disk usage normal: 45%`]);
    expect(await alertRows(backend())).toEqual([expect.objectContaining({ status: 'resolved', acknowledged_at: expect.any(String) })]);
  });
});
