// Alert storms, on both databases: when one run has more than alerting.group_threshold announced
// transitions of one check, every channel gets one grouped message (the webhook one JSON batch of
// them all); the terminal shows 20 lines per check and a count line, --json all of them; and when no
// host at all reports, one "no reports from any host" problem replaces a Host Silent alert per host.

import { afterEach, expect, it } from 'vitest';
import { startWebhookRecorder, type WebhookRecorder } from '../support/webhook-recorder.js';
import { eachCheckBackend } from './support-check/backend.js';
import { alertRows, lines, MINUTE, startFleet, type Fleet } from './support-check/ingest.js';

const names = (n: number, prefix = 'web') => Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`);

eachCheckBackend('monitor check in an alert storm', (backend) => {
  let fleet: Fleet | null = null;
  let hook: WebhookRecorder | null = null;
  afterEach(async () => {
    await fleet?.close();
    await hook?.close();
    fleet = null;
    hook = null;
  });

  async function fullDisks(hosts: string[], alerting = ''): Promise<void> {
    hook = await startWebhookRecorder();
    await backend().writeConfig(`notify:\n  webhook:\n    url: ${hook.url}\n${alerting}`);
    fleet = await startFleet(backend());
    for (const host of hosts) await fleet.addHost(host);
    fleet.advance(MINUTE);
    for (const host of hosts) await fleet.report(host, { disk: 92 });
  }

  it('more transitions of one check than group_threshold: one message per channel, the webhook one JSON batch with every transition', async () => {
    const hosts = names(12);
    await fullDisks(hosts);
    const run = await fleet!.check();
    expect(run.code, run.stderr).toBe(0);
    expect(lines(run)).toHaveLength(12);
    expect(hook!.received).toHaveLength(1);
    const [batch] = hook!.received;
    expect(batch).toMatchObject({
      event: 'group',
      check_key: 'disk_space',
      count: 12,
      hosts: hosts.slice(0, 10),
      text: "🚨 Disk Space: 12 new alerts on 12 hosts: 'web-01', 'web-02', 'web-03', 'web-04', 'web-05', 'web-06', 'web-07', 'web-08', 'web-09', 'web-10' and 2 more",
    });
    const members = batch!.transitions as Record<string, unknown>[];
    expect(members.map((member) => member.host_name)).toEqual(hosts);
    const alerts = await alertRows(backend());
    expect(members.map((member) => member.alert_id).sort()).toEqual(alerts.map((alert) => alert.alert_id).sort());
    expect(await backend().sql('SELECT event FROM notifications')).toEqual([{ event: 'group' }]);
  });

  it('up to group_threshold transitions of a check still go one message each (threshold from the config)', async () => {
    await fullDisks(names(4), 'alerting:\n  group_threshold: 4\n');
    expect((await fleet!.check()).code).toBe(0);
    expect(hook!.received.map((payload) => payload.event)).toEqual(['open', 'open', 'open', 'open']);
  });

  it('prints the first 20 lines of a check and a count line; --json keeps every transition', async () => {
    const hosts = names(25);
    await fullDisks(hosts);
    const json = JSON.parse((await fleet!.check(['--dry-run', '--json'])).stdout) as { transitions: unknown[] };
    expect(json.transitions).toHaveLength(25);
    const run = await fleet!.check();
    const printed = lines(run);
    expect(printed).toHaveLength(21);
    expect(printed.slice(0, 20).every((line) => line.startsWith('🚨 NEW ALERT #'))).toBe(true);
    expect(printed[20]).toBe('… and 5 more Disk Space transitions (`monitor check --json` lists every one)');
    expect(await alertRows(backend())).toHaveLength(25);
  });

  it('no report from any host for host_silent\'s time: one "no reports from any host" problem, no Host Silent alert per host, until one reports again', async () => {
    const hosts = names(3);
    await fullDisks(hosts, 'alerting:\n  group_threshold: 100\n');
    expect((await fleet!.check()).code).toBe(0);
    const opened = (await alertRows(backend())).length;
    fleet!.advance(20 * MINUTE);
    const dark = await fleet!.check();
    expect(dark.code, dark.stderr).toBe(0);
    expect(dark.stdout).toBe('');
    expect(dark.stderr).toMatch(
      /no reports from any host since \S+ — is `monitor serve` running\? \(3 hosts; their Host Silent alerts are held back until one reports again\)/,
    );
    expect(await alertRows(backend())).toHaveLength(opened);
    const json = JSON.parse((await fleet!.check(['--json'])).stdout) as { problems: unknown[] };
    expect(json.problems).toEqual([
      expect.objectContaining({ host_name: null, check_key: 'host_silent', message: expect.stringMatching(/^no reports from any host/) }),
    ]);

    // One host is back: the two still silent are alerted, as a host silence should be.
    await fleet!.report('web-01', { disk: 30 });
    const back = await fleet!.check();
    expect(back.stderr).not.toMatch(/no reports from any host/);
    expect(
      lines(back)
        .filter((line) => line.includes('Host Silent'))
        .sort(),
    ).toEqual([
      expect.stringMatching(/^🚨 NEW ALERT #\d+: Host Silent - Host 'web-02' silent/),
      expect.stringMatching(/^🚨 NEW ALERT #\d+: Host Silent - Host 'web-03' silent/),
    ]);
  });
});
