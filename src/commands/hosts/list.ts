import type { Context } from '../../context.js';
import { withStore } from '../../store/with-store.js';
import { makeChalk } from '../../output/colour.js';
import { printJson } from '../../output/json.js';
import { renderTable } from '../../output/table.js';
import { formatPercent, formatTimeWithAge } from '../../output/time-format.js';
import { hostSilent, isSilentAt } from '../../checks/host-silent.js';
import { normaliseParams } from '../../checks/params.js';
import { effectiveRawParams } from '../../host-checks/desired.js';
import type { HostSummary } from '../../store/types.js';

export interface HostListRow {
  host_id: number;
  host_name: string;
  description: string | null;
  created_at: Date;
  last_seen: Date | null;
  collected_at: Date | null;
  cpu_pct: number | null;
  mem_pct: number | null;
  disk_pct: number | null;
  load_1: number | null;
  open_alerts: number;
  /** No report for longer than the host_silent check's threshold (default 5m). */
  silent: boolean;
  /** The registration token's name when the host registered itself; null when added by hand. */
  registered_by: string | null;
}

/** `monitor hosts list`: every host with its last report, latest metrics and open alerts. */
export async function hostsList(ctx: Context, options: { json: boolean | undefined }): Promise<HostListRow[]> {
  const now = ctx.clock.now();
  const { hosts, silentParamsOf } = await withStore(ctx, async (store) => {
    const silentType = (await store.listCheckTypes()).find((type) => type.checkKey === 'host_silent');
    // Each host's own host_silent params (its overrides from default_checks or hosts.<name>), so the
    // flag is the check's own verdict: the alert `monitor check` would open.
    const overrides = new Map(
      (await store.listHostChecks()).filter((check) => check.checkKey === 'host_silent').map((check) => [check.hostId, check.params]),
    );
    const paramsOf = (hostId: number): Record<string, unknown> =>
      silentType ? normaliseParams(hostSilent, effectiveRawParams(silentType, overrides.get(hostId) ?? {})).params : {};
    return { hosts: await store.listHosts(), silentParamsOf: paramsOf };
  });
  const rows = hosts.map((host) => toRow(host, isSilent(host, silentParamsOf(host.hostId), now)));
  if (options.json) {
    printJson(ctx.out, rows);
    return rows;
  }
  if (rows.length === 0) {
    ctx.out.write('No hosts yet. Register one with `monitor hosts add NAME`.\n');
    return rows;
  }
  const chalk = makeChalk(ctx.out.color);
  ctx.out.write(
    renderTable(
      rows,
      [
        { header: 'HOST', value: (row) => row.host_name },
        { header: 'LAST SEEN', value: (row) => formatTimeWithAge(row.last_seen, now, ctx.env.TZ) },
        { header: 'CPU', value: (row) => formatPercent(row.cpu_pct), align: 'right' },
        { header: 'MEM', value: (row) => formatPercent(row.mem_pct), align: 'right' },
        { header: 'DISK', value: (row) => formatPercent(row.disk_pct), align: 'right' },
        { header: 'LOAD', value: (row) => (row.load_1 === null ? '-' : row.load_1.toFixed(2)), align: 'right' },
        {
          header: 'OPEN ALERTS',
          value: (row) => String(row.open_alerts),
          align: 'right',
          style: (text, row) => (row.open_alerts > 0 ? chalk.red(text) : text),
        },
        {
          header: 'STATUS',
          value: (row) => (row.silent ? 'silent' : row.last_seen ? 'reporting' : 'waiting for first report'),
          style: (text, row) => (row.silent ? chalk.yellow(text) : row.last_seen ? chalk.green(text) : text),
        },
        { header: 'REGISTERED', value: (row) => (row.registered_by === null ? 'by hand' : `token ${row.registered_by}`) },
      ],
      chalk,
    ),
  );
  return rows;
}

/** Silent is what the host_silent check calls critical for this host now. */
function isSilent(host: HostSummary, params: Record<string, unknown>, now: Date): boolean {
  return isSilentAt(params, host.lastSeen ?? host.createdAt, now);
}

function toRow(host: HostSummary, silent: boolean): HostListRow {
  return {
    host_id: host.hostId,
    host_name: host.hostName,
    description: host.description,
    created_at: host.createdAt,
    last_seen: host.lastSeen,
    collected_at: host.latest?.collectedAt ?? null,
    cpu_pct: host.latest?.cpuPct ?? null,
    mem_pct: host.latest?.memPct ?? null,
    disk_pct: host.latest?.diskPct ?? null,
    load_1: host.latest?.load1 ?? null,
    open_alerts: host.openAlerts,
    silent,
    registered_by: host.registeredBy,
  };
}
