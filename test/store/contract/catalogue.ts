import { expect, it } from 'vitest';
import { BUILTIN_CATALOGUE } from '../../../src/host-checks/builtin-catalogue.js';
import type { CheckedHost, CheckTypeInput } from '../../../src/store/types.js';
import { type ContractContext, addHost, checkId, count } from './helpers.js';

const ROOT_FS: CheckTypeInput = {
  checkKey: 'root_fs',
  checkName: 'Root FS',
  functionName: 'metric_threshold',
  params: { metric: 'disk', warn: 70, crit: 85, for: '0s' },
  severity: 'warning',
  cooldownSeconds: 60,
};

export function catalogueTests(ctx: ContractContext): void {
  it('seeds the catalogue a config is validated against without a database (BUILTIN_CATALOGUE)', async () => {
    const fresh = await ctx.freshFixture({ migrate: 'auto' });
    const seeded = (await fresh.store.listCheckTypes()).map(({ checkId: _id, ...type }) => type);
    const byKey = (a: CheckTypeInput, b: CheckTypeInput) => a.checkKey.localeCompare(b.checkKey);
    expect(seeded.sort(byKey)).toEqual([...BUILTIN_CATALOGUE].sort(byKey));
  });

  it('inserts new check types and updates existing ones in place, keeping their ids', async () => {
    const before = await ctx.store.listCheckTypes();
    await ctx.store.upsertCheckTypes([ROOT_FS]);
    const rootId = await checkId(ctx.store, 'root_fs');
    await ctx.store.upsertCheckTypes([
      { ...ROOT_FS, checkName: 'Root filesystem', params: { metric: 'disk', crit: 99 }, severity: 'critical' },
    ]);

    const after = await ctx.store.listCheckTypes();
    expect(after).toHaveLength(before.length + 1);
    expect(after.find((type) => type.checkKey === 'root_fs')).toEqual({
      ...ROOT_FS,
      checkId: rootId,
      checkName: 'Root filesystem',
      params: { metric: 'disk', crit: 99 },
      severity: 'critical',
    });
    // The seeded rows were not touched.
    expect(after.filter((type) => type.checkKey !== 'root_fs')).toEqual(before);
  });

  it('never deletes check types missing from an upsert (alerts refer to them)', async () => {
    await ctx.store.upsertCheckTypes([ROOT_FS]);
    await ctx.store.upsertCheckTypes([{ ...ROOT_FS, checkKey: 'other' }]);
    const keys = (await ctx.store.listCheckTypes()).map((type) => type.checkKey);
    expect(keys).toContain('root_fs');
    expect(keys).toContain('other');
    expect(keys).toContain('disk_space');
  });

  it('inserts and replaces host checks, listed with host names and check keys by host then check', async () => {
    const web = await addHost(ctx.store, 'web-01');
    const db = await addHost(ctx.store, 'db-01');
    const disk = await checkId(ctx.store, 'disk_space');
    const cpu = await checkId(ctx.store, 'cpu_usage');
    await ctx.store.upsertHostChecks([
      { hostId: web.hostId, checkId: disk, params: { crit: 95 }, enabled: true },
      { hostId: web.hostId, checkId: cpu, params: {}, enabled: true },
      { hostId: db.hostId, checkId: disk, params: {}, enabled: false },
    ]);
    await ctx.store.upsertHostChecks([{ hostId: web.hostId, checkId: disk, params: { crit: 97, for: '5m' }, enabled: false }]);

    expect(await ctx.store.listHostChecks()).toEqual([
      { hostId: db.hostId, hostName: 'db-01', checkId: disk, checkKey: 'disk_space', params: {}, enabled: false },
      { hostId: web.hostId, hostName: 'web-01', checkId: cpu, checkKey: 'cpu_usage', params: {}, enabled: true },
      { hostId: web.hostId, hostName: 'web-01', checkId: disk, checkKey: 'disk_space', params: { crit: 97, for: '5m' }, enabled: false },
    ]);
    expect(await count(ctx.raw, 'host_alert_checks')).toBe(3);
    const enabled = await ctx.raw.query('SELECT enabled FROM host_alert_checks WHERE host_id = ? AND check_id = ?', [web.hostId, cpu]);
    expect(Number(enabled[0]!.enabled)).toBe(1);
  });

  it('filters host checks by host and by enabled', async () => {
    const web = await addHost(ctx.store, 'web-01');
    const db = await addHost(ctx.store, 'db-01');
    const disk = await checkId(ctx.store, 'disk_space');
    const cpu = await checkId(ctx.store, 'cpu_usage');
    await ctx.store.upsertHostChecks([
      { hostId: web.hostId, checkId: disk, params: {}, enabled: true },
      { hostId: web.hostId, checkId: cpu, params: {}, enabled: false },
      { hostId: db.hostId, checkId: disk, params: {}, enabled: true },
    ]);
    const keys = (rows: { hostName: string; checkKey: string }[]) => rows.map((row) => `${row.hostName}/${row.checkKey}`);
    expect(keys(await ctx.store.listHostChecks({ hostId: web.hostId }))).toEqual(['web-01/cpu_usage', 'web-01/disk_space']);
    expect(keys(await ctx.store.listHostChecks({ enabledOnly: true }))).toEqual(['db-01/disk_space', 'web-01/disk_space']);
    expect(keys(await ctx.store.listHostChecks({ hostId: web.hostId, enabledOnly: true }))).toEqual(['web-01/disk_space']);
  });

  it('lists enabled host checks unjoined, with equal params texts parsed once', async () => {
    const web = await addHost(ctx.store, 'web-01');
    const db = await addHost(ctx.store, 'db-01');
    const disk = await checkId(ctx.store, 'disk_space');
    const cpu = await checkId(ctx.store, 'cpu_usage');
    await ctx.store.upsertHostChecks([
      { hostId: web.hostId, checkId: disk, params: { crit: 95 }, enabled: true },
      { hostId: web.hostId, checkId: cpu, params: {}, enabled: false },
      { hostId: db.hostId, checkId: disk, params: { crit: 95 }, enabled: true },
      { hostId: db.hostId, checkId: cpu, params: {}, enabled: true },
    ]);
    const byKey = <Row extends { hostId: number; checkId: number }>(rows: Row[]): Row[] =>
      [...rows].sort((a, b) => a.hostId - b.hostId || a.checkId - b.checkId);
    const all = byKey(await ctx.store.listEnabledHostChecks());
    expect(all).toEqual(
      byKey([
        { hostId: web.hostId, checkId: disk, params: { crit: 95 } },
        { hostId: db.hostId, checkId: disk, params: { crit: 95 } },
        { hostId: db.hostId, checkId: cpu, params: {} },
      ]),
    );
    const disks = all.filter((row) => row.checkId === disk);
    expect(disks[0]!.params).toBe(disks[1]!.params);
    expect(Object.isFrozen(disks[0]!.params)).toBe(true);
    expect(await ctx.store.listEnabledHostChecks({ hostId: web.hostId })).toEqual([
      { hostId: web.hostId, checkId: disk, params: { crit: 95 } },
    ]);
  });

  it("lists each host with enabled checks once, with its checks' ids and overrides (one shared object per text)", async () => {
    const web = await addHost(ctx.store, 'web-01');
    const db = await addHost(ctx.store, 'db-01');
    const idle = await addHost(ctx.store, 'idle-01');
    const disk = await checkId(ctx.store, 'disk_space');
    const cpu = await checkId(ctx.store, 'cpu_usage');
    const silent = await checkId(ctx.store, 'host_silent');
    const note = { crit: 95, note: 'quotes " and \\ and ünïcode, a; b\nc' };
    await ctx.store.upsertHostChecks([
      { hostId: web.hostId, checkId: disk, params: note, enabled: true },
      { hostId: web.hostId, checkId: cpu, params: {}, enabled: false },
      { hostId: web.hostId, checkId: silent, params: {}, enabled: true },
      { hostId: db.hostId, checkId: disk, params: note, enabled: true },
      { hostId: db.hostId, checkId: cpu, params: {}, enabled: true },
      { hostId: idle.hostId, checkId: cpu, params: {}, enabled: false },
    ]);
    const sorted = (hosts: CheckedHost[]) =>
      hosts
        .map(({ host, checkIds, params }) => ({
          host,
          checks: checkIds.map((id, i) => ({ id, params: params[i] })).sort((a, b) => a.id - b.id),
        }))
        .sort((a, b) => a.host.hostId - b.host.hostId);
    const checked = await ctx.store.listCheckedHosts();
    // Hosts with no enabled check are left out; each host record is the store's own.
    expect(sorted(checked)).toEqual(
      [
        {
          host: web,
          checks: [
            { id: disk, params: note },
            { id: silent, params: {} },
          ].sort((a, b) => a.id - b.id),
        },
        {
          host: db,
          checks: [
            { id: disk, params: note },
            { id: cpu, params: {} },
          ].sort((a, b) => a.id - b.id),
        },
      ].sort((a, b) => a.host.hostId - b.host.hostId),
    );
    const params = checked.flatMap((host) => host.params);
    const notes = params.filter((p) => 'note' in p);
    expect(notes[0]).toBe(notes[1]);
    expect(params.every((p) => Object.isFrozen(p))).toBe(true);
    expect(sorted(await ctx.store.listCheckedHosts({ hostId: db.hostId }))).toEqual(
      sorted(checked).filter((host) => host.host.hostId === db.hostId),
    );
    expect(await ctx.store.listCheckedHosts({ hostId: idle.hostId })).toEqual([]);
  });

  it('deletes exactly the host checks named', async () => {
    const web = await addHost(ctx.store, 'web-01');
    const db = await addHost(ctx.store, 'db-01');
    const disk = await checkId(ctx.store, 'disk_space');
    const cpu = await checkId(ctx.store, 'cpu_usage');
    await ctx.store.upsertHostChecks([
      { hostId: web.hostId, checkId: disk, params: {}, enabled: true },
      { hostId: web.hostId, checkId: cpu, params: {}, enabled: true },
      { hostId: db.hostId, checkId: disk, params: {}, enabled: true },
    ]);
    await ctx.store.deleteHostChecks([
      { hostId: web.hostId, checkId: disk },
      { hostId: db.hostId, checkId: cpu }, // not there: no error
    ]);
    const left = (await ctx.store.listHostChecks()).map((row) => `${row.hostName}/${row.checkKey}`);
    expect(left).toEqual(['db-01/disk_space', 'web-01/cpu_usage']);
    await ctx.store.deleteHostChecks([]);
    expect(await count(ctx.raw, 'host_alert_checks')).toBe(2);
  });
}
