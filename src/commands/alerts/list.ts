import type { Context } from '../../context.js';
import { withStore } from '../../store/with-store.js';
import { alertDurationMs, styleSeverity, styleStatus, toAlertJson, type AlertJson } from '../../output/alert-view.js';
import { makeChalk } from '../../output/colour.js';
import { printJson } from '../../output/json.js';
import { renderTable } from '../../output/table.js';
import { formatLocalTime } from '../../output/time-format.js';
import { formatAge, formatDuration } from '../../time/duration.js';
import type { AlertFilter } from '../../store/types.js';

const DEFAULT_LIMIT = 50;

export interface AlertsListOptions {
  status: 'open' | 'resolved' | 'all' | undefined;
  host: string | undefined;
  check: string | undefined;
  /** Milliseconds back from now. */
  since: number | undefined;
  limit: number | undefined;
  json: boolean | undefined;
}

/** `monitor alerts list`: newest first; what is wrong, what was wrong, when. */
export async function alertsList(ctx: Context, options: AlertsListOptions): Promise<AlertJson[]> {
  const now = ctx.clock.now();
  const filter: AlertFilter = {
    status: options.status ?? 'all',
    hostName: options.host,
    checkKey: options.check,
    since: options.since === undefined ? undefined : new Date(now.getTime() - options.since),
    limit: options.limit ?? DEFAULT_LIMIT,
  };
  const alerts = await withStore(ctx, (store) => store.listAlerts(filter));
  const rows = alerts.map((alert) => toAlertJson(alert, now));
  if (options.json) {
    printJson(ctx.out, rows);
    return rows;
  }
  if (alerts.length === 0) {
    ctx.out.write(`No ${filter.status === 'all' ? '' : `${filter.status} `}alerts${describeFilter(options)}.\n`);
    return rows;
  }
  const chalk = makeChalk(ctx.out.color);
  ctx.out.write(
    renderTable(
      alerts,
      [
        { header: 'ID', value: (alert) => String(alert.alertId), align: 'right' },
        { header: 'HOST', value: (alert) => alert.hostName },
        { header: 'CHECK', value: (alert) => alert.checkName },
        { header: 'SEVERITY', value: (alert) => alert.severity, style: (text) => styleSeverity(chalk, text) },
        {
          header: 'STATUS',
          value: (alert) => (alert.status === 'open' && alert.acknowledgedAt ? 'open (ack)' : alert.status),
          style: (text, alert) => styleStatus(chalk, text, alert.acknowledgedAt !== null),
        },
        {
          header: 'TRIGGERED',
          value: (alert) => `${formatLocalTime(alert.triggeredAt, ctx.env.TZ)} (${formatAge(alert.triggeredAt, now)})`,
        },
        { header: 'RESOLVED', value: (alert) => (alert.resolvedAt ? formatLocalTime(alert.resolvedAt, ctx.env.TZ) : '-') },
        { header: 'DURATION', value: (alert) => formatDuration(alertDurationMs(alert, now)), align: 'right' },
        { header: 'MESSAGE', value: (alert) => alert.message, maxWidth: 70 },
      ],
      chalk,
    ),
  );
  if (filter.limit && alerts.length === filter.limit)
    ctx.out.write(chalk.dim(`(showing the newest ${filter.limit}; use --limit for more)\n`));
  return rows;
}

function describeFilter(options: AlertsListOptions): string {
  const parts = [options.host && `for host '${options.host}'`, options.check && `for check '${options.check}'`].filter(Boolean);
  return parts.length ? ` ${parts.join(' ')}` : '';
}
