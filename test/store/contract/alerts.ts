import { expect, it } from 'vitest';
import { DuplicateOpenAlertError } from '../../../src/errors.js';
import type { Store } from '../../../src/store/store.js';
import type { NewAlert } from '../../../src/store/types.js';
import { type ContractContext, addHost, at, checkId, count, rejection } from './helpers.js';

export function alertTests(ctx: ContractContext): void {
  async function setup(): Promise<{ hostId: number; disk: number; cpu: number; alert: (overrides?: Partial<NewAlert>) => NewAlert }> {
    const host = await addHost(ctx.store, 'storage-04');
    const disk = await checkId(ctx.store, 'disk_space');
    const cpu = await checkId(ctx.store, 'cpu_usage');
    const alert = (overrides: Partial<NewAlert> = {}): NewAlert => ({
      hostId: host.hostId,
      checkId: disk,
      severity: 'critical',
      triggeredAt: at(0),
      message: "Host 'storage-04' disk usage critical: 92%",
      value: 92,
      ...overrides,
    });
    return { hostId: host.hostId, disk, cpu, alert };
  }

  it('opens an alert and reads it back with host and check names', async () => {
    const { hostId, disk, alert } = await setup();
    const alertId = await ctx.store.openAlert(alert());
    expect(await ctx.store.getAlert(alertId)).toEqual({
      alertId,
      hostId,
      hostName: 'storage-04',
      checkId: disk,
      checkKey: 'disk_space',
      checkName: 'Disk Space',
      severity: 'critical',
      status: 'open',
      triggeredAt: at(0),
      resolvedAt: null,
      message: "Host 'storage-04' disk usage critical: 92%",
      resolveMessage: null,
      value: 92,
      peakValue: 92,
      resolveValue: null,
      acknowledgedAt: null,
    });
    expect(await ctx.store.getAlert(alertId + 1000)).toBeNull();
  });

  it('refuses a second open alert for the same host and check with DuplicateOpenAlertError', async () => {
    const { alert, cpu } = await setup();
    await ctx.store.openAlert(alert());
    expect(await rejection(ctx.store.openAlert(alert({ triggeredAt: at(60) })))).toBeInstanceOf(DuplicateOpenAlertError);
    expect(await count(ctx.raw, 'alerts')).toBe(1);
    // Another check on the same host is a different alert.
    await ctx.store.openAlert(alert({ checkId: cpu }));
    expect(await count(ctx.raw, 'alerts')).toBe(2);
  });

  it('has the database itself refuse a second open alert written by hand', async () => {
    const { hostId, disk, alert } = await setup();
    await ctx.store.openAlert(alert());
    const insert =
      "INSERT INTO alerts (host_id, check_id, severity, status, triggered_at, message) VALUES (?, ?, 'critical', 'open', ?, 'by hand')";
    await expect(ctx.raw.exec(insert, [hostId, disk, '2025-03-01 11:00:00.000'])).rejects.toThrow(/duplicate|unique/i);
    // Resolved rows are not limited.
    await ctx.raw.exec(
      "INSERT INTO alerts (host_id, check_id, severity, status, triggered_at, resolved_at, message) VALUES (?, ?, 'critical', 'resolved', ?, ?, 'old')",
      [hostId, disk, '2025-02-01 11:00:00.000', '2025-02-01 12:00:00.000'],
    );
    expect(await count(ctx.raw, 'alerts')).toBe(2);
  });

  it('allows a new open alert once the previous one is resolved', async () => {
    const { alert } = await setup();
    const first = await ctx.store.openAlert(alert());
    expect(await ctx.store.resolveAlert(first, { resolvedAt: at(300), resolveMessage: 'disk usage normal: 45%', value: 45 })).toBe(true);
    const second = await ctx.store.openAlert(alert({ triggeredAt: at(600) }));
    expect(second).not.toBe(first);
    expect(await ctx.store.getAlert(first)).toMatchObject({
      status: 'resolved',
      resolvedAt: at(300),
      resolveMessage: 'disk usage normal: 45%',
      value: 92,
      resolveValue: 45,
    });
    expect((await ctx.store.getAlert(second))?.status).toBe('open');
  });

  it('resolves only an open alert: a second resolve reports false and changes nothing', async () => {
    const { alert } = await setup();
    const alertId = await ctx.store.openAlert(alert());
    await ctx.store.resolveAlert(alertId, { resolvedAt: at(300), resolveMessage: 'first', value: 40 });
    expect(await ctx.store.resolveAlert(alertId, { resolvedAt: at(400), resolveMessage: 'second', value: 41 })).toBe(false);
    expect(await ctx.store.getAlert(alertId)).toMatchObject({ resolvedAt: at(300), resolveMessage: 'first', value: 92, resolveValue: 40 });
  });

  it('changes the severity of an open alert, not of a resolved one', async () => {
    const { alert } = await setup();
    const alertId = await ctx.store.openAlert(alert({ severity: 'warning', value: 85, message: 'warn' }));
    await ctx.store.updateAlertSeverity(alertId, { severity: 'critical', message: 'crit', value: 93 });
    expect(await ctx.store.getAlert(alertId)).toMatchObject({ severity: 'critical', message: 'crit', value: 93 });
    await ctx.store.resolveAlert(alertId, { resolvedAt: at(60), resolveMessage: 'ok', value: 10 });
    await ctx.store.updateAlertSeverity(alertId, { severity: 'warning', message: 'late', value: 81 });
    expect(await ctx.store.getAlert(alertId)).toMatchObject({ severity: 'critical', message: 'crit', value: 93, resolveValue: 10 });
  });

  it('keeps the firing value, the worst value while open and the resolving value apart', async () => {
    const { alert } = await setup();
    const alertId = await ctx.store.openAlert(alert({ severity: 'warning', value: 85, message: 'warn' }));
    expect(await ctx.store.getAlert(alertId)).toMatchObject({ value: 85, peakValue: 85, resolveValue: null });
    await ctx.store.updateAlertPeaks([{ alertId, peakValue: 89 }]);
    // A severity change sets the value that crossed the new level; without a peak the higher one stays.
    await ctx.store.updateAlertSeverity(alertId, { severity: 'critical', message: 'crit', value: 88 });
    expect(await ctx.store.getAlert(alertId)).toMatchObject({ value: 88, peakValue: 89 });
    await ctx.store.updateAlertSeverity(alertId, { severity: 'critical', message: 'crit', value: 95, peakValue: 97 });
    expect(await ctx.store.getAlert(alertId)).toMatchObject({ value: 95, peakValue: 97 });
    await ctx.store.resolveAlert(alertId, { resolvedAt: at(60), resolveMessage: 'normal', value: 40 });
    expect(await ctx.store.getAlert(alertId)).toMatchObject({ status: 'resolved', value: 95, peakValue: 97, resolveValue: 40 });
    // A resolved alert's peak is history: not changed any more.
    await ctx.store.updateAlertPeaks([{ alertId, peakValue: 99 }]);
    expect((await ctx.store.getAlert(alertId))?.peakValue).toBe(97);
  });

  it('updates the peaks of many open alerts in one call', async () => {
    const { alert, cpu } = await setup();
    const disk = await ctx.store.openAlert(alert());
    const other = await ctx.store.openAlert(alert({ checkId: cpu, value: 96 }));
    await ctx.store.updateAlertPeaks([
      { alertId: disk, peakValue: 93.5 },
      { alertId: other, peakValue: 99 },
    ]);
    expect((await ctx.store.getAlert(disk))?.peakValue).toBe(93.5);
    expect((await ctx.store.getAlert(other))?.peakValue).toBe(99);
  });

  it('acknowledges once: a second acknowledgement keeps the first time; unknown ids give null', async () => {
    const { alert } = await setup();
    const alertId = await ctx.store.openAlert(alert());
    expect((await ctx.store.acknowledgeAlert(alertId, at(30)))?.acknowledgedAt).toEqual(at(30));
    expect((await ctx.store.acknowledgeAlert(alertId, at(90)))?.acknowledgedAt).toEqual(at(30));
    expect(await ctx.store.acknowledgeAlert(alertId + 1000, at(90))).toBeNull();
  });

  it('lists alerts newest first by time, then id, and filters by status, host, check and since', async () => {
    const { alert, cpu } = await setup();
    const other = await addHost(ctx.store, 'web-01');
    const a = await ctx.store.openAlert(alert({ triggeredAt: at(100) }));
    const b = await ctx.store.openAlert(alert({ checkId: cpu, triggeredAt: at(100) }));
    const c = await ctx.store.openAlert(alert({ hostId: other.hostId, triggeredAt: at(50) }));
    const d = await ctx.store.openAlert(alert({ hostId: other.hostId, checkId: cpu, triggeredAt: at(200) }));
    await ctx.store.resolveAlert(c, { resolvedAt: at(150), resolveMessage: 'ok', value: 1 });
    const ids = async (filter: Parameters<Store['listAlerts']>[0]) => (await ctx.store.listAlerts(filter)).map((row) => row.alertId);

    // a and b share triggered_at: the higher id first.
    expect(await ids({})).toEqual([d, Math.max(a, b), Math.min(a, b), c]);
    expect(await ids({ status: 'all' })).toEqual([d, Math.max(a, b), Math.min(a, b), c]);
    expect(await ids({ status: 'open' })).toEqual([d, Math.max(a, b), Math.min(a, b)]);
    expect(await ids({ status: 'resolved' })).toEqual([c]);
    expect(await ids({ hostName: 'web-01' })).toEqual([d, c]);
    expect(await ids({ checkKey: 'cpu_usage' })).toEqual([d, b]);
    expect(await ids({ since: at(100) })).toEqual([d, Math.max(a, b), Math.min(a, b)]);
    expect(await ids({ hostName: 'storage-04', checkKey: 'disk_space', status: 'open', since: at(0) })).toEqual([a]);
    expect(await ids({ hostName: 'nobody' })).toEqual([]);
    expect(await ids({ limit: 2 })).toEqual([d, Math.max(a, b)]);
  });

  it('lists 50 alerts by default, and all of them with limit 0', async () => {
    const { hostId } = await setup();
    const disk = await checkId(ctx.store, 'disk_space');
    for (let i = 0; i < 55; i++) {
      await ctx.raw.exec(
        "INSERT INTO alerts (host_id, check_id, severity, status, triggered_at, resolved_at, message) VALUES (?, ?, 'warning', 'resolved', ?, ?, 'm')",
        [hostId, disk, `2025-01-01 00:${String(i).padStart(2, '0')}:00.000`, '2025-01-02 00:00:00.000'],
      );
    }
    const page = await ctx.store.listAlerts({});
    expect(page).toHaveLength(50);
    expect(page[0]!.triggeredAt.toISOString()).toBe('2025-01-01T00:54:00.000Z');
    expect(await ctx.store.listAlerts({ limit: 0 })).toHaveLength(55);
  });

  it('lists every open alert and only those', async () => {
    const { alert, cpu } = await setup();
    const open = await ctx.store.openAlert(alert());
    const resolved = await ctx.store.openAlert(alert({ checkId: cpu }));
    await ctx.store.resolveAlert(resolved, { resolvedAt: at(10), resolveMessage: 'ok', value: 1 });
    expect((await ctx.store.listOpenAlerts()).map((row) => row.alertId)).toEqual([open]);
  });

  it('prunes resolved alerts resolved before the cutoff in batches, never open ones', async () => {
    const { hostId, disk } = await setup();
    for (let i = 0; i < 7; i++) {
      await ctx.raw.exec(
        "INSERT INTO alerts (host_id, check_id, severity, status, triggered_at, resolved_at, message) VALUES (?, ?, 'warning', 'resolved', ?, ?, 'old')",
        [hostId, disk, '2025-01-01 00:00:00.000', `2025-01-0${i + 1} 00:00:00.000`],
      );
    }
    await ctx.raw.exec(
      "INSERT INTO alerts (host_id, check_id, severity, status, triggered_at, message) VALUES (?, ?, 'warning', 'open', ?, 'still open')",
      [hostId, disk, '2024-01-01 00:00:00.000'],
    );
    // Resolved on Jan 1..7; cutoff Jan 6: five go, in batches of 2.
    expect(await ctx.store.pruneResolvedAlerts(new Date('2025-01-06T00:00:00.000Z'), 2)).toBe(5);
    expect(await count(ctx.raw, 'alerts')).toBe(3);
    expect(await count(ctx.raw, 'alerts', "status = 'open'")).toBe(1);
  });

  it('lets exactly one of two stores racing to open the same alert succeed', async () => {
    const { alert } = await setup();
    const second = await ctx.fixture.openAnother();
    const results = await Promise.allSettled([ctx.store.openAlert(alert()), second.openAlert(alert({ triggeredAt: at(1) }))]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(failed?.reason).toBeInstanceOf(DuplicateOpenAlertError);
    expect(await count(ctx.raw, 'alerts')).toBe(1);
  });

  it('opens, changes and resolves many alerts set-based, reporting the ones already open or no longer open', async () => {
    const { hostId, disk, cpu, alert } = await setup();
    const others = await Promise.all(Array.from({ length: 700 }, (_, i) => addHost(ctx.store, `web-${i}`)));
    const already = await ctx.store.openAlert(alert({ checkId: cpu, message: 'cpu' }));
    const many = others.map((host, i) => alert({ hostId: host.hostId, message: `disk ${i}`, value: i }));
    const opened = await ctx.store.transaction((tx) => tx.openAlerts([alert({ checkId: cpu }), ...many, alert()]));
    expect(opened).toHaveLength(702);
    expect(opened[0]).toBeNull(); // cpu on storage-04 was open already
    expect(new Set(opened.slice(1)).size).toBe(701);
    const byHost = await ctx.raw.query(
      "SELECT alert_id, host_id, message, value FROM alerts WHERE status = 'open' AND check_id = ? ORDER BY host_id",
      [disk],
    );
    expect(byHost).toHaveLength(701);
    expect(Number(byHost.find((row) => Number(row.host_id) === others[5]!.hostId)!.alert_id)).toBe(opened[6]);
    expect(byHost.find((row) => Number(row.host_id) === others[5]!.hostId)).toMatchObject({ message: 'disk 5', value: 5 });
    expect(await ctx.store.getAlert(opened[6]!)).toMatchObject({ value: 5, peakValue: 5 });

    const ids = opened.slice(1) as number[];
    await ctx.store.transaction((tx) =>
      tx.updateAlertSeverities(ids.map((alertId, i) => ({ alertId, severity: 'warning', message: `warn ${i}`, value: 80 + (i % 10) }))),
    );
    expect(await count(ctx.raw, 'alerts', "severity = 'warning' AND status = 'open'")).toBe(701);
    expect(await ctx.store.getAlert(ids[3]!)).toMatchObject({ severity: 'warning', message: 'warn 3', value: 83 });

    await ctx.store.resolveAlert(ids[0]!, { resolvedAt: at(5), resolveMessage: 'by another run', value: 1 });
    const resolved = await ctx.store.transaction((tx) =>
      tx.resolveAlerts(ids.map((alertId, i) => ({ alertId, resolvedAt: at(10), resolveMessage: `ok ${i}`, value: i }))),
    );
    expect(resolved[0]).toBe(false);
    expect(resolved.slice(1).every(Boolean)).toBe(true);
    expect(await ctx.store.getAlert(ids[0]!)).toMatchObject({ status: 'resolved', resolvedAt: at(5), resolveMessage: 'by another run' });
    expect(await ctx.store.getAlert(ids[9]!)).toMatchObject({
      status: 'resolved',
      resolvedAt: at(10),
      resolveMessage: 'ok 9',
      // The firing value and the worst one stay; the resolving value is kept apart.
      value: 89,
      peakValue: 89,
      resolveValue: 9,
    });
    expect(await ctx.store.getAlert(already)).toMatchObject({ status: 'open' });
    expect(await ctx.store.openAlerts([])).toEqual([]);
    expect(await ctx.store.resolveAlerts([])).toEqual([]);
    expect(hostId).toBeGreaterThan(0);
  });

  it('tells which of these alerts are still open (what a check run re-reads before it writes)', async () => {
    const { cpu, alert } = await setup();
    const open = await ctx.store.openAlert(alert());
    const resolved = await ctx.store.openAlert(alert({ checkId: cpu }));
    await ctx.store.resolveAlert(resolved, { resolvedAt: at(5), resolveMessage: 'closed by hand', value: null });
    const stillOpen = await ctx.store.transaction((tx) => tx.lockOpenAlerts([resolved, open, open, 999_999]));
    expect([...stillOpen]).toEqual([open]);
    expect(await ctx.store.transaction((tx) => tx.lockOpenAlerts([]))).toEqual(new Set());
  });
}
