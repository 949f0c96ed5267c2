// The product's signature, end to end on both databases: an agent's reports reach the real ingest API
// with the host's own key, and `monitor check` prints one line when the disk crosses its threshold,
// nothing while it stays there, and one line when it recovers — with the alerts table to match.

import { afterEach, expect, it } from 'vitest';
import { eachCheckBackend } from './support-check/backend.js';
import { alertRows, lines, MINUTE, startFleet, storedTime, T0, type Fleet } from './support-check/ingest.js';

eachCheckBackend('monitor check: a disk fills up and recovers', (backend) => {
  let fleet: Fleet;
  afterEach(async () => {
    await fleet?.close();
  });

  it('prints nothing while all is well, one NEW ALERT line at 92%, nothing while it stays, one RESOLVED line at 45%', async () => {
    fleet = await startFleet(backend());
    await fleet.addHost('storage-server-04');
    await fleet.addHost('web-01');

    const disk = (percent: number) => ({ 'storage-server-04': { disk: percent }, 'web-01': { disk: 30 } });
    const calm = await fleet.tick(disk(45));
    expect(calm).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await alertRows(backend())).toEqual([]);

    const full = await fleet.tick(disk(92));
    expect(full.code, full.stderr).toBe(0);
    const [opened] = await alertRows(backend());
    expect(lines(full)).toEqual([`🚨 NEW ALERT #${opened!.alert_id}: Disk Space - Host 'storage-server-04' disk usage critical: 92%`]);
    const openedAt = storedTime(fleet.clock.now());
    expect(await alertRows(backend())).toEqual([
      {
        alert_id: opened!.alert_id,
        host_name: 'storage-server-04',
        check_key: 'disk_space',
        severity: 'critical',
        status: 'open',
        triggered_at: openedAt,
        resolved_at: null,
        message: "Host 'storage-server-04' disk usage critical: 92%",
        resolve_message: null,
        value: 92,
        acknowledged_at: null,
      },
    ]);

    const still = await fleet.tick(disk(92));
    expect(still).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await alertRows(backend())).toHaveLength(1);

    const recovered = await fleet.tick(disk(45));
    expect(recovered.code, recovered.stderr).toBe(0);
    expect(lines(recovered)).toEqual(["✅ RESOLVED: Disk Space - Host 'storage-server-04' disk usage normal: 45%"]);
    expect(await alertRows(backend())).toEqual([
      expect.objectContaining({
        alert_id: opened!.alert_id,
        status: 'resolved',
        triggered_at: openedAt,
        resolved_at: storedTime(fleet.clock.now()),
        message: "Host 'storage-server-04' disk usage critical: 92%",
        resolve_message: "Host 'storage-server-04' disk usage normal: 45%",
        // The firing value stays; the resolving one is stored apart (resolve_value).
        value: 92,
      }),
    ]);
    expect(fleet.clock.now().getTime() - T0.getTime()).toBe(4 * MINUTE);

    // And then quiet again.
    expect(await fleet.tick(disk(44))).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('remembers each check between runs and writes a state row only when something changed', async () => {
    fleet = await startFleet(backend());
    await fleet.addHost('storage-server-04');
    const states = () =>
      backend().sql<{ check_key: string; status: string; evaluated_at: string }>(
        `SELECT t.check_key, s.status, s.evaluated_at FROM check_state s JOIN alert_types t ON t.check_id = s.check_id ORDER BY t.check_key`,
      );

    await fleet.tick({ 'storage-server-04': { disk: 45, cpu: 90 } });
    const first = await states();
    const firstAt = storedTime(fleet.clock.now());
    // cpu_usage at 90% needs five minutes of samples to know whether it held above 85 (one below 85
    // would have decided at once). The other checks are plainly OK, which is what a missing row
    // means: nothing to remember, nothing stored.
    expect(first).toEqual([{ check_key: 'cpu_usage', status: 'unknown', evaluated_at: firstAt }]);

    // Same results a minute later: nothing to write.
    await fleet.tick({ 'storage-server-04': { disk: 46, cpu: 90 } });
    expect(await states()).toEqual(first);

    await fleet.tick({ 'storage-server-04': { disk: 93 } });
    expect((await states()).find((state) => state.check_key === 'disk_space')).toEqual({
      check_key: 'disk_space',
      status: 'critical',
      evaluated_at: storedTime(fleet.clock.now()),
    });

    // Recovered: remembered while the alert is in its recent history (flap detection reads the last
    // 21 results) and its cooldown runs; plainly OK after that, so its row goes.
    await fleet.tick({ 'storage-server-04': { disk: 45 } });
    expect((await states()).find((state) => state.check_key === 'disk_space')).toMatchObject({ status: 'ok' });
    for (let minute = 0; minute < 21; minute++) await fleet.tick({ 'storage-server-04': { disk: 45 } });
    expect((await states()).map((state) => state.check_key)).not.toContain('disk_space');
  });
});
