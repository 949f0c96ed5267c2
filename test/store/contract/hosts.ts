import { expect, it } from 'vitest';
import { ConflictError } from '../../../src/errors.js';
import { type ContractContext, T0, addHost, at, checkId, count, datasetReport, keyHash, rejection, sample } from './helpers.js';

export function hostTests(ctx: ContractContext): void {
  it('registers a host and finds it by name and by key hash', async () => {
    const host = await addHost(ctx.store, 'web-01', 'front end');
    expect(host).toEqual({ hostId: expect.any(Number), hostName: 'web-01', description: 'front end', createdAt: T0, lastSeen: null });
    expect(await ctx.store.findHostByName('web-01')).toEqual(host);
    expect(await ctx.store.findHostByKeyHash(keyHash('web-01'))).toEqual(host);
    expect(await ctx.store.findHostByName('web-02')).toBeNull();
    expect(await ctx.store.findHostByKeyHash(keyHash('web-02'))).toBeNull();
  });

  it('stores the key hash in host_key_hash, never anything else', async () => {
    await addHost(ctx.store, 'web-01');
    const rows = await ctx.raw.query('SELECT host_key_hash FROM hosts');
    expect(rows).toEqual([{ host_key_hash: keyHash('web-01') }]);
  });

  it('refuses a taken host name with a ConflictError naming the host, writing nothing', async () => {
    await addHost(ctx.store, 'web-01');
    const error = await rejection(ctx.store.addHost({ hostName: 'web-01', keyHash: keyHash('other'), description: null, createdAt: T0 }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe("host 'web-01' already exists");
    expect(await count(ctx.raw, 'hosts')).toBe(1);
  });

  it('compares host names exactly (case matters on both dialects)', async () => {
    await addHost(ctx.store, 'web-01');
    await addHost(ctx.store, 'WEB-01');
    expect((await ctx.store.findHostByName('WEB-01'))?.hostName).toBe('WEB-01');
  });

  it('replaces the key hash on rotation: the old key no longer finds the host', async () => {
    const host = await addHost(ctx.store, 'web-01');
    await ctx.store.setHostKeyHash(host.hostId, keyHash('rotated'));
    expect(await ctx.store.findHostByKeyHash(keyHash('web-01'))).toBeNull();
    expect((await ctx.store.findHostByKeyHash(keyHash('rotated')))?.hostId).toBe(host.hostId);
  });

  it('lists the plain host records by name', async () => {
    const web = await addHost(ctx.store, 'web-01', 'front');
    const db = await addHost(ctx.store, 'db-01');
    await ctx.store.insertSamples([sample(web.hostId, at(5))]);
    expect(await ctx.store.listHostRecords()).toEqual([db, { ...web, lastSeen: at(5) }]);
  });

  it('lists hosts by name with their newest metrics and open alert count', async () => {
    const db = await addHost(ctx.store, 'db-01');
    const web = await addHost(ctx.store, 'web-01');
    const idle = await addHost(ctx.store, 'idle-01');
    await ctx.store.insertSamples([
      sample(web.hostId, at(0), { cpuPct: 11 }),
      sample(web.hostId, at(60), { cpuPct: 12, memPct: null, load1: null }),
      // A newer pipeline-only report carries no metrics: the metrics shown stay those of 60 s.
      datasetReport(web.hostId, at(120), 'orders'),
      sample(db.hostId, at(30), { diskPct: 91.5 }),
    ]);
    const disk = await checkId(ctx.store, 'disk_space');
    const cpu = await checkId(ctx.store, 'cpu_usage');
    await ctx.store.openAlert({
      hostId: db.hostId,
      checkId: disk,
      severity: 'critical',
      triggeredAt: at(30),
      message: 'disk',
      value: 91.5,
    });
    await ctx.store.openAlert({ hostId: db.hostId, checkId: cpu, severity: 'warning', triggeredAt: at(30), message: 'cpu', value: 88 });
    const resolved = await ctx.store.openAlert({
      hostId: web.hostId,
      checkId: cpu,
      severity: 'warning',
      triggeredAt: at(0),
      message: 'x',
      value: 1,
    });
    await ctx.store.resolveAlert(resolved, { resolvedAt: at(10), resolveMessage: 'ok', value: 1 });

    const listed = await ctx.store.listHosts();
    expect(listed.map((host) => host.hostName)).toEqual(['db-01', 'idle-01', 'web-01']);
    const [dbSummary, idleSummary, webSummary] = listed;
    expect(dbSummary).toMatchObject({ hostId: db.hostId, openAlerts: 2, latest: { collectedAt: at(30), diskPct: 91.5 } });
    expect(idleSummary).toMatchObject({ hostId: idle.hostId, openAlerts: 0, latest: null, lastSeen: null });
    expect(webSummary).toMatchObject({
      openAlerts: 0,
      lastSeen: at(120),
      latest: { collectedAt: at(60), cpuPct: 12, memPct: null, diskPct: 30, load1: null },
    });
  });

  it('removes a host with everything that belongs to it, and nothing of another host', async () => {
    const gone = await addHost(ctx.store, 'gone-01');
    const kept = await addHost(ctx.store, 'kept-01');
    const disk = await checkId(ctx.store, 'disk_space');
    for (const host of [gone, kept]) {
      await ctx.store.insertSamples([sample(host.hostId, at(0)), datasetReport(host.hostId, at(1), 'orders')]);
      await ctx.store.upsertHostChecks([{ hostId: host.hostId, checkId: disk, params: { crit: 95 }, enabled: true }]);
      const alertId = await ctx.store.openAlert({
        hostId: host.hostId,
        checkId: disk,
        severity: 'critical',
        triggeredAt: at(0),
        message: 'm',
        value: 95,
      });
      await ctx.store.saveCheckStates([
        {
          hostId: host.hostId,
          checkId: disk,
          status: 'critical',
          since: at(0),
          history: 'oc',
          flapping: false,
          evaluatedAt: at(0),
          lastResolvedAt: null,
          openNotified: true,
        },
      ]);
      await ctx.store.enqueueNotifications([
        { alertId, channel: 'slack', event: 'open', payload: { host: host.hostName }, createdAt: at(0) },
      ]);
    }

    await ctx.store.removeHost(gone.hostId);

    for (const table of ['incoming_data', 'host_alert_checks', 'alerts', 'check_state', 'hosts']) {
      expect(await count(ctx.raw, table, 'host_id = ?', [gone.hostId]), table).toBe(0);
    }
    expect(await count(ctx.raw, 'incoming_data', 'host_id = ?', [kept.hostId])).toBe(2);
    expect(await count(ctx.raw, 'host_alert_checks', 'host_id = ?', [kept.hostId])).toBe(1);
    expect(await count(ctx.raw, 'alerts', 'host_id = ?', [kept.hostId])).toBe(1);
    expect(await count(ctx.raw, 'check_state', 'host_id = ?', [kept.hostId])).toBe(1);
    expect((await ctx.store.pendingNotifications(['slack'], 5, 10)).map((row) => row.payload)).toEqual([{ host: 'kept-01' }]);
    expect(await ctx.store.findHostByName('gone-01')).toBeNull();
    expect((await ctx.store.findHostByName('kept-01'))?.hostId).toBe(kept.hostId);
  });

  it("removes a host's long history in batches smaller than it, every batch its own statement, and nothing of another host", async () => {
    const gone = await addHost(ctx.store, 'gone-01');
    const kept = await addHost(ctx.store, 'kept-01');
    await ctx.store.insertSamples(Array.from({ length: 250 }, (_, i) => sample(gone.hostId, at(i))));
    await ctx.store.insertSamples([sample(kept.hostId, at(0))]);
    await ctx.store.removeHost(gone.hostId, 100);
    expect(await count(ctx.raw, 'incoming_data', 'host_id = ?', [gone.hostId])).toBe(0);
    expect(await count(ctx.raw, 'incoming_data', 'host_id = ?', [kept.hostId])).toBe(1);
    expect(await ctx.store.findHostByName('gone-01')).toBeNull();
  });
}
