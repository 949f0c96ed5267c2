// Alerts that nothing would ever resolve are closed: a check disabled for a host (`checks assign
// --disable`, or dropped from the config and synced by `monitor check`) closes its open alert with
// "check disabled", and `monitor alerts close ID` closes one by hand — each announced like a resolve
// (delivered by the next `monitor check`), each on both databases.

import { afterEach, expect, it } from 'vitest';
import { startEndpoint, type HttpEndpoint } from '../notify/fixtures/http-endpoint.js';
import { eachCheckBackend } from './support-check/backend.js';
import { alertRows, lines, startFleet, type Fleet } from './support-check/ingest.js';

const HOST = 'storage-server-04';

eachCheckBackend('closing alerts whose check is gone, and by hand', (backend) => {
  let fleet: Fleet | undefined;
  let hook: HttpEndpoint | undefined;
  afterEach(async () => {
    await fleet?.close();
    await hook?.close();
  });

  const notify = () => `notify:\n  webhook:\n    - url: ${hook!.url}/hook\n      timeout: 3s\n`;
  async function openDiskAlert(): Promise<{ f: Fleet; alertId: number }> {
    hook = await startEndpoint({ status: 204 });
    await backend().writeConfig(notify());
    fleet = await startFleet(backend());
    await fleet.addHost(HOST);
    await fleet.tick({ [HOST]: { disk: 92 } });
    const [alert] = await alertRows(backend());
    expect(alert).toMatchObject({ status: 'open', check_key: 'disk_space' });
    return { f: fleet, alertId: alert!.alert_id };
  }
  const events = () => hook!.requests.map((request) => JSON.parse(request.body) as { event: string; alert_id: number; message: string });

  it('`checks assign HOST disk_space --disable` closes its open alert with "check disabled", announced', async () => {
    const { f, alertId } = await openDiskAlert();
    const assigned = await backend().cli(['checks', 'assign', HOST, 'disk_space', '--disable'], { now: f.clock.now() });
    expect(assigned.code, assigned.stderr).toBe(0);
    expect(lines(assigned)).toContain(`✅ RESOLVED: Disk Space - Host '${HOST}' check disabled`);
    expect(await alertRows(backend())).toEqual([
      expect.objectContaining({ alert_id: alertId, status: 'resolved', resolve_message: 'check disabled' }),
    ]);
    // Delivered by the next check run, which itself has nothing more to say about the disk.
    const next = await f.tick({ [HOST]: { disk: 92 } });
    expect(lines(next)).toEqual([]);
    expect(events().map((e) => [e.event, e.alert_id, e.message])).toEqual([
      ['open', alertId, `Host '${HOST}' disk usage critical: 92%`],
      ['resolve', alertId, `Host '${HOST}' check disabled`],
    ]);
    expect(await alertRows(backend())).toHaveLength(1);
  });

  it('a check dropped from the config is closed by the next `monitor check`, which syncs the edit', async () => {
    const { f, alertId } = await openDiskAlert();
    await backend().writeConfig(`${notify()}default_checks: [cpu_usage, memory_usage, host_silent]\n`);
    const next = await f.tick({ [HOST]: { disk: 92 } });
    expect(next.code, next.stderr).toBe(0);
    expect(lines(next)).toEqual([`✅ RESOLVED: Disk Space - Host '${HOST}' check disabled`]);
    expect(events().map((e) => [e.event, e.alert_id])).toEqual([
      ['open', alertId],
      ['resolve', alertId],
    ]);
    expect(
      await backend().sql('SELECT enabled FROM host_alert_checks c JOIN alert_types t ON t.check_id = c.check_id WHERE t.check_key = ?', [
        'disk_space',
      ]),
    ).toEqual([{ enabled: 0 }]);
  });

  it('`checks sync` closes an alert stranded by an older version (its check disabled, the alert still open)', async () => {
    const { f, alertId } = await openDiskAlert();
    // What earlier versions left behind: the check dropped from the config, its host check row
    // disabled by their sync, its alert open.
    await backend().writeConfig(`${notify()}default_checks: [cpu_usage, memory_usage, host_silent]\n`);
    await backend().sql(
      'UPDATE host_alert_checks SET enabled = 0 WHERE check_id = (SELECT check_id FROM alert_types WHERE check_key = ?)',
      ['disk_space'],
    );
    const synced = await backend().cli(['checks', 'sync'], { now: f.clock.now() });
    expect(synced.code, synced.stderr).toBe(0);
    expect(lines(synced)).toContain(`✅ RESOLVED: Disk Space - Host '${HOST}' check disabled`);
    expect(await alertRows(backend())).toEqual([
      expect.objectContaining({ alert_id: alertId, status: 'resolved', resolve_message: 'check disabled' }),
    ]);
  });

  it('`monitor alerts close ID --reason TEXT` closes an open alert by hand, announced, keeping its firing value', async () => {
    const { f, alertId } = await openDiskAlert();
    const closed = await backend().cli(['alerts', 'close', String(alertId), '--reason', 'disk replaced'], { now: f.clock.now() });
    expect(closed.code, closed.stderr).toBe(0);
    expect(lines(closed)).toEqual([`✅ RESOLVED: Disk Space - Host '${HOST}' closed by hand: disk replaced`]);
    expect(await alertRows(backend())).toEqual([
      expect.objectContaining({ alert_id: alertId, status: 'resolved', resolve_message: 'closed by hand: disk replaced', value: 92 }),
    ]);
    await f.tick({ [HOST]: { disk: 40 } });
    expect(events().map((e) => [e.event, e.alert_id, e.message])).toEqual([
      ['open', alertId, `Host '${HOST}' disk usage critical: 92%`],
      ['resolve', alertId, `Host '${HOST}' closed by hand: disk replaced`],
    ]);
  });

  it('refuses to close a resolved or unknown alert, or with an empty reason, changing nothing', async () => {
    const { f, alertId } = await openDiskAlert();
    const empty = await backend().cli(['alerts', 'close', String(alertId), '--reason', '  '], { now: f.clock.now() });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/--reason is empty/);
    expect((await alertRows(backend()))[0]!.status).toBe('open');

    expect((await backend().cli(['alerts', 'close', String(alertId)], { now: f.clock.now() })).code).toBe(0);
    expect((await alertRows(backend()))[0]!.resolve_message).toBe('closed by hand');
    const again = await backend().cli(['alerts', 'close', String(alertId)], { now: f.clock.now() });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`alert #${alertId} is already resolved at `));
    const unknown = await backend().cli(['alerts', 'close', '999'], { now: f.clock.now() });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/alert #999 does not exist/);
    expect(await backend().sql("SELECT COUNT(*) AS n FROM notifications WHERE event = 'resolve'")).toEqual([{ n: 1 }]);
  });
});
