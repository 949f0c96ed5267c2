// The server's own counters and the latest per-host gauges, in the Prometheus text exposition format
// (version 0.0.4), so any Prometheus (or a curl) can scrape `GET /metrics` without an exporter.

import type { HostSummary } from '../store/types.js';
import type { CommitStats } from './batch-writer.js';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

class Histogram {
  readonly bounds: readonly number[];
  readonly bucketCounts: number[];
  sum = 0;
  count = 0;

  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.bucketCounts = bounds.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    // Buckets are cumulative in the exposition; stored per bucket here and summed when rendered.
    const index = this.bounds.findIndex((bound) => value <= bound);
    if (index >= 0) this.bucketCounts[index]!++;
  }

  render(name: string, help: string): string[] {
    const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
    let cumulative = 0;
    this.bounds.forEach((bound, i) => {
      cumulative += this.bucketCounts[i]!;
      lines.push(`${name}_bucket{le="${bound}"} ${cumulative}`);
    });
    lines.push(`${name}_bucket{le="+Inf"} ${this.count}`, `${name}_sum ${round(this.sum)}`, `${name}_count ${this.count}`);
    return lines;
  }
}

export class ServerMetrics {
  /** HTTP responses by status code. */
  readonly requests = new Map<number, number>();
  /** Rows per commit. Its count is the number of commits. */
  readonly batchSize = new Histogram([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]);
  /** Requests answered per commit: how much group commit is saving. */
  readonly batchRequests = new Histogram([1, 2, 5, 10, 20, 50, 100, 200, 500]);
  readonly writeSeconds = new Histogram([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  reportsInserted = 0;
  reportsDuplicate = 0;
  writeErrors = 0;

  countRequest(status: number): void {
    this.requests.set(status, (this.requests.get(status) ?? 0) + 1);
  }

  observeCommit(stats: CommitStats): void {
    this.batchSize.observe(stats.rows);
    this.batchRequests.observe(stats.requests);
    this.writeSeconds.observe(stats.seconds);
  }

  observeWriteError(stats: CommitStats): void {
    this.writeErrors++;
    this.writeSeconds.observe(stats.seconds);
  }

  countReports(inserted: number, duplicates: number): void {
    this.reportsInserted += inserted;
    this.reportsDuplicate += duplicates;
  }

  /**
   * The whole exposition. `hosts` is the latest host list, or null when the database could not be
   * asked: the server's own counters are still worth scraping then, and `monitor_database_up` says 0.
   */
  render(hosts: HostSummary[] | null): string {
    const lines: string[] = [];
    lines.push('# HELP monitor_http_requests_total HTTP requests answered, by status code.');
    lines.push('# TYPE monitor_http_requests_total counter');
    for (const [status, count] of [...this.requests].sort((a, b) => a[0] - b[0])) {
      lines.push(`monitor_http_requests_total{status="${status}"} ${count}`);
    }
    lines.push('# HELP monitor_reports_total Reports acknowledged, by whether they were new or already stored.');
    lines.push('# TYPE monitor_reports_total counter');
    lines.push(`monitor_reports_total{result="inserted"} ${this.reportsInserted}`);
    lines.push(`monitor_reports_total{result="duplicate"} ${this.reportsDuplicate}`);
    lines.push(...this.batchSize.render('monitor_batch_size', 'Reports written per database commit.'));
    lines.push(...this.batchRequests.render('monitor_batch_requests', 'HTTP requests answered per database commit.'));
    lines.push(...this.writeSeconds.render('monitor_write_seconds', 'Time to write and commit one batch.'));
    lines.push('# HELP monitor_write_errors_total Batches that failed to commit.');
    lines.push('# TYPE monitor_write_errors_total counter');
    lines.push(`monitor_write_errors_total ${this.writeErrors}`);
    lines.push('# HELP monitor_database_up Whether the database answered the last host query (1) or not (0).');
    lines.push('# TYPE monitor_database_up gauge');
    lines.push(`monitor_database_up ${hosts ? 1 : 0}`);
    if (hosts) lines.push(...renderHostGauges(hosts));
    return `${lines.join('\n')}\n`;
  }
}

const HOST_GAUGES: { name: string; help: string; value(host: HostSummary): number | null }[] = [
  { name: 'monitor_host_cpu_pct', help: 'Newest CPU usage of the host, percent.', value: (h) => h.latest?.cpuPct ?? null },
  { name: 'monitor_host_mem_pct', help: 'Newest memory usage of the host, percent.', value: (h) => h.latest?.memPct ?? null },
  { name: 'monitor_host_disk_pct', help: 'Newest disk usage of the host, percent.', value: (h) => h.latest?.diskPct ?? null },
  { name: 'monitor_host_load_1', help: 'Newest 1-minute load average of the host.', value: (h) => h.latest?.load1 ?? null },
  {
    name: 'monitor_host_last_seen_seconds',
    help: 'When the host last reported, Unix time in seconds (time() - it = age).',
    value: (h) => (h.lastSeen ? h.lastSeen.getTime() / 1000 : null),
  },
  { name: 'monitor_host_open_alerts', help: 'Open alerts of the host.', value: (h) => h.openAlerts },
];

function renderHostGauges(hosts: HostSummary[]): string[] {
  const lines: string[] = [];
  for (const gauge of HOST_GAUGES) {
    lines.push(`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`);
    for (const host of hosts) {
      const value = gauge.value(host);
      // Prometheus would take NaN or +Inf, but they only ever mean a bad row: leave the host's gauge out.
      if (value !== null && Number.isFinite(value)) lines.push(`${gauge.name}{host="${escapeLabel(host.hostName)}"} ${round(value)}`);
    }
  }
  return lines;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Six decimals; large values as they are (value * 1e6 would overflow to Infinity near 1e303). */
function round(value: number): number {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e9) return value;
  return Math.round(value * 1e6) / 1e6;
}
