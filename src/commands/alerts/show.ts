import type { Context } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { withStore } from '../../store/with-store.js';
import { alertDurationMs, styleSeverity, styleStatus, toAlertJson, type AlertJson } from '../../output/alert-view.js';
import { makeChalk } from '../../output/colour.js';
import { printJson } from '../../output/json.js';
import { formatTimeWithAge } from '../../output/time-format.js';
import { formatDuration } from '../../time/duration.js';
import type { Alert } from '../../store/types.js';

export function alertNotFound(alertId: number): NotFoundError {
  return new NotFoundError(`alert #${alertId} does not exist`, { hint: 'see `monitor alerts list --status all`' });
}

/** `monitor alerts show ID`. */
export async function alertsShow(ctx: Context, alertId: number, options: { json: boolean | undefined }): Promise<AlertJson> {
  const alert = await withStore(ctx, (store) => store.getAlert(alertId));
  if (!alert) throw alertNotFound(alertId);
  const result = toAlertJson(alert, ctx.clock.now());
  if (options.json) printJson(ctx.out, result);
  else ctx.out.write(describeAlert(ctx, alert));
  return result;
}

function describeAlert(ctx: Context, alert: Alert): string {
  const chalk = makeChalk(ctx.out.color);
  const now = ctx.clock.now();
  const lines: [string, string][] = [
    ['Alert', `#${alert.alertId}`],
    ['Host', alert.hostName],
    ['Check', `${alert.checkName} (${alert.checkKey})`],
    ['Severity', styleSeverity(chalk, alert.severity)],
    ['Status', styleStatus(chalk, alert.status, alert.acknowledgedAt !== null)],
    ['Triggered', formatTimeWithAge(alert.triggeredAt, now, ctx.env.TZ)],
    ['Resolved', alert.resolvedAt ? formatTimeWithAge(alert.resolvedAt, now, ctx.env.TZ) : '-'],
    ['Duration', formatDuration(alertDurationMs(alert, now))],
    ['Acknowledged', alert.acknowledgedAt ? formatTimeWithAge(alert.acknowledgedAt, now, ctx.env.TZ) : 'no'],
    ['Value', alert.value === null ? '-' : String(alert.value)],
    ['Worst value', alert.peakValue === null ? '-' : String(alert.peakValue)],
    ['Resolved at value', alert.resolveValue === null ? '-' : String(alert.resolveValue)],
    ['Message', alert.message],
    ['Resolved with', alert.resolveMessage ?? '-'],
  ];
  const width = Math.max(...lines.map(([label]) => label.length));
  return lines.map(([label, value]) => `${chalk.bold(label.padEnd(width))}  ${value}`).join('\n') + '\n';
}
