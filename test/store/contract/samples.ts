import { expect, it } from 'vitest';
import { type ContractContext, addHost, at, count, datasetReport, sample } from './helpers.js';

export function sampleTests(ctx: ContractContext): void {
  it('stores a re-sent report once and counts it as a duplicate', async () => {
    const host = await addHost(ctx.store, 'web-01');
    const reports = [sample(host.hostId, at(0)), sample(host.hostId, at(60))];
    expect(await ctx.store.insertSamples(reports)).toEqual({ inserted: 2, duplicates: 0 });
    expect(await ctx.store.insertSamples([reports[1]!, sample(host.hostId, at(120))])).toEqual({ inserted: 1, duplicates: 1 });
    expect(await ctx.store.insertSamples(reports)).toEqual({ inserted: 0, duplicates: 2 });
    expect(await count(ctx.raw, 'incoming_data')).toBe(3);
  });

  it('counts a report repeated within one batch as one row and one duplicate', async () => {
    const host = await addHost(ctx.store, 'web-01');
    const report = sample(host.hostId, at(0));
    expect(await ctx.store.insertSamples([report, { ...report, cpuPct: 99 }])).toEqual({ inserted: 1, duplicates: 1 });
    expect(await count(ctx.raw, 'incoming_data')).toBe(1);
  });

  it("commits several callers' samples together with each group's own counts; a repeat counts for the later group", async () => {
    const web = await addHost(ctx.store, 'web-01');
    const db = await addHost(ctx.store, 'db-01');
    await ctx.store.insertSamples([sample(web.hostId, at(0))]);
    const results = await ctx.store.insertSampleGroups([
      [sample(web.hostId, at(0)), sample(web.hostId, at(60), { receivedAt: at(65) })],
      [],
      [sample(db.hostId, at(0), { receivedAt: at(7) }), sample(web.hostId, at(60))],
    ]);
    expect(results).toEqual([
      { inserted: 1, duplicates: 1 },
      { inserted: 0, duplicates: 0 },
      { inserted: 1, duplicates: 1 },
    ]);
    expect(await count(ctx.raw, 'incoming_data')).toBe(3);
    // last_seen is not part of the group commit (the hot row of a cluster): touchHosts writes it apart.
    expect((await ctx.store.findHostByName('db-01'))?.lastSeen).toBeNull();
    expect((await ctx.store.findHostByName('web-01'))?.lastSeen).toEqual(at(0));
  });

  it('touchHosts moves last_seen forward to the newest time given per host, never back', async () => {
    const web = await addHost(ctx.store, 'web-01');
    const db = await addHost(ctx.store, 'db-01');
    await ctx.store.touchHosts([
      { hostId: web.hostId, at: at(65) },
      { hostId: db.hostId, at: at(7) },
      { hostId: web.hostId, at: at(60) },
    ]);
    expect((await ctx.store.findHostByName('db-01'))?.lastSeen).toEqual(at(7));
    expect((await ctx.store.findHostByName('web-01'))?.lastSeen).toEqual(at(65));
    await ctx.store.touchHosts([{ hostId: web.hostId, at: at(30) }]);
    expect((await ctx.store.findHostByName('web-01'))?.lastSeen).toEqual(at(65));
  });

  it("keeps a plain report and a dataset report of the same instant apart, with '' as the plain dataset", async () => {
    const host = await addHost(ctx.store, 'etl-01');
    const result = await ctx.store.insertSamples([sample(host.hostId, at(0)), datasetReport(host.hostId, at(0), 'orders')]);
    expect(result).toEqual({ inserted: 2, duplicates: 0 });
    const rows = await ctx.raw.query('SELECT dataset_name FROM incoming_data ORDER BY dataset_name');
    expect(rows.map((row) => row.dataset_name)).toEqual(['', 'orders']);
  });

  it('writes big batches completely (several statements under the hood)', async () => {
    const hosts = [await addHost(ctx.store, 'a'), await addHost(ctx.store, 'b')];
    const batch = Array.from({ length: 2600 }, (_, i) => sample(hosts[i % 2]!.hostId, at(Math.floor(i / 2))));
    expect(await ctx.store.insertSamples(batch)).toEqual({ inserted: 2600, duplicates: 0 });
    expect(await count(ctx.raw, 'incoming_data')).toBe(2600);
  });

  it("sets each host's last_seen to its newest received_at, and never moves it back", async () => {
    const web = await addHost(ctx.store, 'web-01');
    const db = await addHost(ctx.store, 'db-01');
    await addHost(ctx.store, 'idle-01');
    await ctx.store.insertSamples([
      sample(web.hostId, at(0), { receivedAt: at(5) }),
      sample(web.hostId, at(60), { receivedAt: at(65) }),
      sample(db.hostId, at(0), { receivedAt: at(7) }),
    ]);
    expect((await ctx.store.findHostByName('web-01'))?.lastSeen).toEqual(at(65));
    expect((await ctx.store.findHostByName('db-01'))?.lastSeen).toEqual(at(7));
    expect((await ctx.store.findHostByName('idle-01'))?.lastSeen).toBeNull();
    // Slower batches that were received earlier commit later (one receive time, or several).
    await ctx.store.insertSamples([sample(web.hostId, at(30), { receivedAt: at(40) })]);
    expect((await ctx.store.findHostByName('web-01'))?.lastSeen).toEqual(at(65));
    await ctx.store.insertSamples([sample(web.hostId, at(31), { receivedAt: at(41) }), sample(db.hostId, at(90), { receivedAt: at(95) })]);
    expect((await ctx.store.findHostByName('web-01'))?.lastSeen).toEqual(at(65));
    expect((await ctx.store.findHostByName('db-01'))?.lastSeen).toEqual(at(95));
  });

  it('loads metric samples per host, oldest first, for from < collected_at <= to', async () => {
    const web = await addHost(ctx.store, 'web-01');
    const db = await addHost(ctx.store, 'db-01');
    await ctx.store.insertSamples([
      sample(web.hostId, at(120), { cpuPct: 3 }),
      sample(web.hostId, at(0), { cpuPct: 0 }), // at `from`: excluded
      sample(web.hostId, at(60), { cpuPct: 2, memPct: null, diskPct: null, load1: null }),
      sample(web.hostId, at(180), { cpuPct: 4 }), // after `to`: excluded
      datasetReport(web.hostId, at(90), 'orders'), // no metrics: excluded
      sample(db.hostId, at(30), { cpuPct: 5, load1: 1.25 }),
    ]);
    const loaded = await ctx.store.loadMetricSamples({ from: at(0), to: at(120) });
    expect([...loaded.keys()].sort()).toEqual([web.hostId, db.hostId].sort());
    expect(loaded.get(web.hostId)).toEqual([
      { collectedAt: at(60), cpuPct: 2, memPct: null, diskPct: null, load1: null },
      { collectedAt: at(120), cpuPct: 3, memPct: 20, diskPct: 30, load1: 0.5 },
    ]);
    expect(loaded.get(db.hostId)).toEqual([{ collectedAt: at(30), cpuPct: 5, memPct: 20, diskPct: 30, load1: 1.25 }]);
  });

  it('loads metric samples of the given hosts only', async () => {
    const hosts = [await addHost(ctx.store, 'a'), await addHost(ctx.store, 'b'), await addHost(ctx.store, 'c')];
    await ctx.store.insertSamples(hosts.flatMap((host) => [sample(host.hostId, at(10)), sample(host.hostId, at(20))]));
    const loaded = await ctx.store.loadMetricSamples({ from: at(0), to: at(60), hostIds: [hosts[2]!.hostId, hosts[0]!.hostId] });
    expect([...loaded.keys()].sort()).toEqual([hosts[0]!.hostId, hosts[2]!.hostId].sort());
    expect(loaded.get(hosts[2]!.hostId)?.map((s) => s.collectedAt)).toEqual([at(10), at(20)]);
    expect((await ctx.store.loadMetricSamples({ from: at(0), to: at(60), hostIds: [] })).size).toBe(0);
  });

  it('loads metric samples of a long list of hosts (read by time window, then filtered) only for those hosts', async () => {
    const hosts = [await addHost(ctx.store, 'a'), await addHost(ctx.store, 'b'), await addHost(ctx.store, 'c')];
    await ctx.store.insertSamples(hosts.flatMap((host) => [sample(host.hostId, at(20)), sample(host.hostId, at(10))]));
    const many = [hosts[0]!.hostId, hosts[2]!.hostId, ...Array.from({ length: 600 }, (_, i) => 100_000 + i)];
    const loaded = await ctx.store.loadMetricSamples({ from: at(0), to: at(60), hostIds: many });
    expect([...loaded.keys()].sort()).toEqual([hosts[0]!.hostId, hosts[2]!.hostId].sort());
    expect(loaded.get(hosts[0]!.hostId)?.map((s) => s.collectedAt)).toEqual([at(10), at(20)]);
  });

  it('computes min/avg/max per time bucket in the database, for the listed hosts only', async () => {
    const web = await addHost(ctx.store, 'web-01');
    const db = await addHost(ctx.store, 'db-01');
    await ctx.store.insertSamples([
      sample(web.hostId, at(0), { cpuPct: 99 }), // at `from`: outside (from < collected_at)
      sample(web.hostId, at(10), { cpuPct: 10, diskPct: 50 }),
      sample(web.hostId, at(59.999), { cpuPct: 30, diskPct: null }),
      sample(web.hostId, at(60), { cpuPct: 5, diskPct: 70 }), // on a bucket's edge: the next bucket
      sample(web.hostId, at(200), { cpuPct: 40 }),
      datasetReport(web.hostId, at(30), 'orders'), // no metrics: not counted
      sample(db.hostId, at(30), { cpuPct: 77 }),
    ]);
    const buckets = await ctx.store.loadMetricBuckets({ from: at(0), to: at(240), stepSeconds: 60, hostIds: [web.hostId] });
    expect([...buckets.keys()]).toEqual([web.hostId]);
    const rows = buckets.get(web.hostId)!;
    expect(rows.map((b) => b.index)).toEqual([0, 1, 3]);
    expect(rows[0]!.min.cpuPct).toBe(10);
    expect(rows[0]!.max.cpuPct).toBe(30);
    expect(rows[0]!.avg.cpuPct).toBeCloseTo(20);
    expect(rows[0]!.avg.diskPct).toBeCloseTo(50); // a null is left out of the average
    expect(rows[1]).toMatchObject({ min: { cpuPct: 5, diskPct: 70 }, max: { cpuPct: 5, diskPct: 70 } });
    expect(rows[2]!.avg.cpuPct).toBeCloseTo(40);
    expect(await ctx.store.loadMetricBuckets({ from: at(0), to: at(240), stepSeconds: 60, hostIds: [] })).toEqual(new Map());
  });

  it("gives the listed hosts' newest metrics, skipping pipeline-only reports", async () => {
    const web = await addHost(ctx.store, 'web-01');
    const db = await addHost(ctx.store, 'db-01');
    const idle = await addHost(ctx.store, 'idle-01');
    await ctx.store.insertSamples([
      sample(web.hostId, at(0), { cpuPct: 10 }),
      sample(web.hostId, at(60), { cpuPct: 20, load1: 1.5 }),
      datasetReport(web.hostId, at(90), 'orders'),
      sample(db.hostId, at(30), { memPct: 66 }),
    ]);
    const latest = await ctx.store.latestMetrics([web.hostId, idle.hostId]);
    expect([...latest.keys()]).toEqual([web.hostId]);
    expect(latest.get(web.hostId)).toMatchObject({ collectedAt: at(60), cpuPct: 20, load1: 1.5 });
  });

  it("gives each host's newest report time at or before `until`, any dataset", async () => {
    const web = await addHost(ctx.store, 'web-01');
    const etl = await addHost(ctx.store, 'etl-01');
    const late = await addHost(ctx.store, 'late-01');
    await ctx.store.insertSamples([
      sample(web.hostId, at(0)),
      sample(web.hostId, at(60)),
      sample(web.hostId, at(180)),
      datasetReport(etl.hostId, at(90), 'orders'),
      sample(late.hostId, at(300)),
    ]);
    const latest = await ctx.store.latestSampleTimes(at(120));
    expect(latest).toEqual(
      new Map([
        [web.hostId, at(60)],
        [etl.hostId, at(90)],
      ]),
    );
    // Of the hosts asked for only (what `monitor check` asks of the hosts its window scan did not see).
    expect(await ctx.store.latestSampleTimes(at(120), [etl.hostId, late.hostId])).toEqual(new Map([[etl.hostId, at(90)]]));
    expect(await ctx.store.latestSampleTimes(at(120), [])).toEqual(new Map());
  });

  it('gives the newest report of each dataset per host at or before `until`, with its pipeline facts', async () => {
    const etl = await addHost(ctx.store, 'etl-01');
    const other = await addHost(ctx.store, 'etl-02');
    await ctx.store.insertSamples([
      datasetReport(etl.hostId, at(0), 'orders', { partitionKey: '2025-02-28', filesCount: 3 }),
      datasetReport(etl.hostId, at(60), 'orders', {
        partitionKey: '2025-03-01',
        filesCount: 7,
        firstEventAt: at(-3600),
        lastEventAt: at(-60),
      }),
      datasetReport(etl.hostId, at(600), 'orders', { partitionKey: 'future' }),
      datasetReport(etl.hostId, at(30), 'clicks', { filesCount: 0 }),
      sample(etl.hostId, at(90)),
      datasetReport(other.hostId, at(10), 'orders'),
    ]);
    const reports = await ctx.store.latestDatasetReports(at(120));
    expect(reports).toHaveLength(3);
    expect(reports).toContainEqual({
      hostId: etl.hostId,
      datasetName: 'orders',
      collectedAt: at(60),
      partitionKey: '2025-03-01',
      filesCount: 7,
      firstEventAt: at(-3600),
      lastEventAt: at(-60),
    });
    expect(reports).toContainEqual({
      hostId: etl.hostId,
      datasetName: 'clicks',
      collectedAt: at(30),
      partitionKey: null,
      filesCount: 0,
      firstEventAt: null,
      lastEventAt: null,
    });
    expect(reports.find((report) => report.hostId === other.hostId)?.collectedAt).toEqual(at(10));
    expect(await ctx.store.latestSampleTimes(at(120))).toEqual(
      new Map([
        [etl.hostId, at(90)],
        [other.hostId, at(10)],
      ]),
    );
  });

  it('prunes samples collected before the cutoff in batches smaller than the total, and counts them', async () => {
    const hosts = [await addHost(ctx.store, 'a'), await addHost(ctx.store, 'b')];
    await ctx.store.insertSamples(hosts.flatMap((host) => Array.from({ length: 6 }, (_, i) => sample(host.hostId, at(i * 60)))));
    // Collected at 0, 60, …, 300 for each host: 4 per host are before 240.
    expect(await ctx.store.pruneSamples(at(240), 3)).toBe(8);
    expect(await count(ctx.raw, 'incoming_data')).toBe(4);
    expect(await ctx.store.pruneSamples(at(240), 3)).toBe(0);
  });

  it('keeps milliseconds and UTC through a round trip, whatever the process time zone', async () => {
    const host = await addHost(ctx.store, 'web-01');
    const previous = process.env.TZ;
    process.env.TZ = 'Pacific/Chatham'; // +13:45 in March
    try {
      const collectedAt = new Date('2025-03-30T01:30:00.007Z');
      await ctx.store.insertSamples([sample(host.hostId, collectedAt, { receivedAt: new Date('2025-03-30T01:30:00.999Z') })]);
      const rows = await ctx.raw.query('SELECT collected_at, received_at FROM incoming_data');
      expect(rows.map((row) => [String(row.collected_at), String(row.received_at)])).toEqual([
        ['2025-03-30 01:30:00.007', '2025-03-30 01:30:00.999'],
      ]);
      const loaded = await ctx.store.loadMetricSamples({ from: new Date(collectedAt.getTime() - 1), to: collectedAt });
      expect(loaded.get(host.hostId)?.[0]?.collectedAt.getTime()).toBe(collectedAt.getTime());
      expect((await ctx.store.findHostByName('web-01'))?.lastSeen?.toISOString()).toBe('2025-03-30T01:30:00.999Z');
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });
}
