// The dashboard's read API over a real socket, on a real database (SQLite and MariaDB run the same
// scenario): fleet order and counts, filters, paging, one host, downsampled samples, alerts.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/app.js';
import type { Store } from '../../src/store/store.js';
import { manualClock } from '../support/clock.js';
import { memoryLog } from '../support/memory-log.js';
import { serverConfig } from '../server/ingest-scenario.js';
import { Browserless, type ErrorJson, type Wire } from './http.js';
import type { FleetJson, HostJson, SeriesJson } from '../../src/web/views.js';
import type { AlertJson } from '../../src/output/alert-view.js';
import { DAY, seedFleet, type Fleet } from './fleet-fixture.js';

/** GET /api/v1/alerts. */
type AlertsJson = { alerts: Wire<AlertJson>[] };

export interface ApiFixture {
  store: Store;
  cleanup(): Promise<void>;
}

export function readApiScenario(name: string, open: () => Promise<ApiFixture | null>): void {
  describe(`dashboard read API on ${name}`, () => {
    let fixture: ApiFixture | null = null;
    let server: RunningServer;
    let fleet: Fleet;
    let http: Browserless;
    const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const clock = manualClock(now);

    beforeAll(async () => {
      fixture = await open();
      if (!fixture) return;
      fleet = await seedFleet(fixture.store, now);
      server = await startServer({ store: fixture.store, config: serverConfig(), log: memoryLog(), clock });
      http = new Browserless(server.url);
    }, 60_000);

    afterAll(async () => {
      await server?.close();
      await fixture?.cleanup();
    });

    it('lists the fleet worst first with counts per state', async () => {
      const reply = await http.request<Wire<FleetJson>>('/api/v1/hosts');
      expect(reply.status).toBe(200);
      expect(reply.json.hosts.map((h: { host_name: string; state: string }) => `${h.state} ${h.host_name}`)).toEqual([
        'CRIT storage-04',
        'SILENT old-02',
        'WARN db-03',
        'UNKNOWN new-05',
        'OK web-01',
      ]);
      expect(reply.json.counts).toEqual({ CRIT: 1, SILENT: 1, WARN: 1, UNKNOWN: 1, OK: 1 });
      const web = reply.json.hosts.find((h: { host_name: string }) => h.host_name === 'web-01');
      expect(web?.latest).toMatchObject({ cpu_pct: 14, mem_pct: 40, disk_pct: 50, load_1: 0.5 });
      expect(web?.spark.cpu_pct).toHaveLength(36);
      expect(web?.spark.cpu_pct.at(-1)).toBe(13);
      const storage = reply.json.hosts[0];
      expect(storage?.open_alerts).toEqual([
        expect.objectContaining({ alert_id: fleet.alerts.diskCrit, check_key: 'disk_space', severity: 'critical', acknowledged: false }),
      ]);
    });

    it('filters the fleet by name and state, and pages it', async () => {
      expect(
        (await http.request<Wire<FleetJson>>('/api/v1/hosts?q=WEB')).json.hosts.map((h: { host_name: string }) => h.host_name),
      ).toEqual(['web-01']);
      const crit = await http.request<Wire<FleetJson>>('/api/v1/hosts?state=crit');
      expect(crit.json.hosts.map((h: { host_name: string }) => h.host_name)).toEqual(['storage-04']);
      expect(crit.json.total).toBe(1);
      // Counts stay over the whole fleet, so the header does not change with the filter.
      expect(crit.json.counts.OK).toBe(1);
      const page = await http.request<Wire<FleetJson>>('/api/v1/hosts?limit=2&offset=2');
      expect(page.json.hosts.map((h: { host_name: string }) => h.host_name)).toEqual(['db-03', 'new-05']);
      expect(page.json.total).toBe(5);
      const bad = await http.request<ErrorJson>('/api/v1/hosts?state=purple');
      expect(bad.status).toBe(400);
      expect(bad.json.error).toMatch(/^state: expected one of CRIT/);
      expect((await http.request('/api/v1/hosts?limit=0')).status).toBe(400);
    });

    it('shows one host with effective thresholds, datasets and alert history', async () => {
      const reply = await http.request<Wire<HostJson>>('/api/v1/hosts/storage-04');
      expect(reply.status).toBe(200);
      expect(reply.json).toMatchObject({ host_name: 'storage-04', description: 'file server', state: 'CRIT' });
      expect(reply.json.thresholds.disk_pct).toEqual({ check_key: 'disk_space', warn: 80, crit: 85 });
      expect(reply.json.thresholds.cpu_pct).toEqual({ check_key: 'cpu_usage', warn: 85, crit: 95 });
      const disk = reply.json.checks.find((c: { check_key: string }) => c.check_key === 'disk_space');
      expect(disk).toMatchObject({ enabled: true, overrides: { crit: 85 }, params: expect.objectContaining({ warn: 80, crit: 85 }) });
      expect(reply.json.datasets).toEqual([
        expect.objectContaining({ dataset_name: 'orders', partition_key: '2026-12-06', files_count: 24 }),
      ]);
      expect(reply.json.alerts.map((a: { alert_id: number; status: string }) => [a.alert_id, a.status])).toEqual([
        [fleet.alerts.diskCrit, 'open'],
        [fleet.alerts.resolved, 'resolved'],
      ]);
      const missing = await http.request('/api/v1/hosts/nope-99');
      expect(missing.status).toBe(404);
      expect(missing.json).toEqual({ error: "no host 'nope-99'" });
    });

    it('downsamples a month to at most 1,000 points per metric, keeping min, avg and max', async () => {
      const month = await http.request<Wire<SeriesJson>>('/api/v1/hosts/storage-04/samples?from=30d');
      expect(month.status).toBe(200);
      expect(month.json.points).toBeLessThanOrEqual(1_000);
      expect(month.json.points).toBeGreaterThan(900);
      expect(month.json.step_seconds).toBe(2_592);
      for (const metric of ['cpu_pct', 'mem_pct', 'disk_pct', 'load_1'] as const) {
        for (const part of ['min', 'avg', 'max'] as const) expect(month.json.metrics[metric][part]).toHaveLength(month.json.points);
      }
      // A one-hour step over the last day: 12 five-minute samples per bucket, cpu cycling through 0..45.
      const from = new Date(now.getTime() - DAY).toISOString();
      const day = await http.request<Wire<SeriesJson>>(`/api/v1/hosts/storage-04/samples?from=${from}&to=${now.toISOString()}&step=1h`);
      expect(day.json.step_seconds).toBe(3_600);
      expect(day.json.points).toBe(24);
      const cpu = day.json.metrics.cpu_pct;
      const i = 5;
      expect(cpu.min[i]).toBeLessThan(cpu.avg[i]!);
      expect(cpu.avg[i]).toBeLessThan(cpu.max[i]!);
      expect(day.json.t[1]! - day.json.t[0]!).toBe(3_600);
      // Disk only climbs: each bucket's max is at most the next bucket's min.
      const disk = day.json.metrics.disk_pct;
      for (let k = 0; k + 1 < day.json.points; k++) expect(disk.max[k]).toBeLessThanOrEqual(disk.min[k + 1]!);
      // Asking for a finer step than 1,000 points allow gets the coarsest allowed instead.
      const fine = await http.request<Wire<SeriesJson>>('/api/v1/hosts/storage-04/samples?from=30d&step=60');
      expect(fine.json.points).toBeLessThanOrEqual(1_000);
    });

    it('refuses bad sample windows with a message naming the parameter', async () => {
      expect((await http.request<ErrorJson>('/api/v1/hosts/storage-04/samples?from=yesterday')).json.error).toMatch(
        /^from: expected an ISO-8601 time/,
      );
      expect((await http.request<ErrorJson>('/api/v1/hosts/storage-04/samples?from=1h&to=2h')).json.error).toBe('from: must be before to');
      expect((await http.request('/api/v1/hosts/storage-04/samples?step=0')).status).toBe(400);
      expect((await http.request('/api/v1/hosts/storage-04/samples?from=500d')).status).toBe(400);
      expect((await http.request('/api/v1/hosts/nope/samples')).status).toBe(404);
    });

    it('lists alerts with the filters of `alerts list`, open first', async () => {
      const all = await http.request<AlertsJson>('/api/v1/alerts');
      expect(all.json.alerts.map((a: { alert_id: number }) => a.alert_id)).toEqual([
        fleet.alerts.memWarn,
        fleet.alerts.diskCrit,
        fleet.alerts.resolved,
      ]);
      const open = await http.request<AlertsJson>('/api/v1/alerts?status=open&host=storage-04');
      expect(open.json.alerts.map((a: { alert_id: number }) => a.alert_id)).toEqual([fleet.alerts.diskCrit]);
      expect(
        (await http.request<AlertsJson>('/api/v1/alerts?check=cpu_usage')).json.alerts.map((a: { alert_id: number }) => a.alert_id),
      ).toEqual([fleet.alerts.resolved]);
      expect((await http.request<AlertsJson>('/api/v1/alerts?since=1h')).json.alerts.map((a: { alert_id: number }) => a.alert_id)).toEqual([
        fleet.alerts.memWarn,
      ]);
      expect((await http.request<ErrorJson>('/api/v1/alerts?status=closed')).json.error).toMatch(/^status: expected open, resolved or all/);
      expect((await http.request('/api/v1/alerts?since=soon')).status).toBe(400);
    });

    it('serves the pages and the assets from the package', async () => {
      const fleetPage = await http.request('/');
      expect(fleetPage.status).toBe(200);
      expect(fleetPage.headers.get('content-type')).toMatch(/^text\/html/);
      expect(fleetPage.text).toContain('data-host="storage-04"');
      const fragment = await http.request('/?fragment=1&state=WARN');
      expect(fragment.text).not.toContain('<html');
      expect(fragment.text).toContain('data-host="db-03"');
      expect(fragment.text).not.toContain('data-host="web-01"');
      const host = await http.request('/hosts/storage-04');
      expect(host.text).toContain('/assets/uplot.js');
      const uplot = await http.request('/assets/uplot.js');
      expect(uplot.status).toBe(200);
      expect(uplot.text).toContain('uPlot');
      expect((await http.request('/alerts?status=open')).text).toContain(`data-alert="${fleet.alerts.diskCrit}"`);
      expect((await http.request('/hosts/%3Cscript%3E')).status).toBe(404);
      expect((await http.request('/nowhere')).status).toBe(404);
    });
  });
}
