import type { Context } from '../../context.js';
import { withStore } from '../../store/with-store.js';
import { toAlertJson, type AlertJson } from '../../output/alert-view.js';
import { printJson } from '../../output/json.js';
import { formatLocalTime } from '../../output/time-format.js';
import { alertNotFound } from './show.js';

/**
 * `monitor alerts ack ID`: marks the alert acknowledged. Later severity changes of it are recorded but
 * not announced; its resolve still is (people want to hear that it is over).
 */
export async function alertsAck(ctx: Context, alertId: number, options: { json: boolean | undefined }): Promise<AlertJson> {
  const now = ctx.clock.now();
  const alert = await withStore(ctx, (store) => store.acknowledgeAlert(alertId, now));
  if (!alert) throw alertNotFound(alertId);
  const result = toAlertJson(alert, now);
  if (options.json) printJson(ctx.out, result);
  else if (alert.acknowledgedAt && alert.acknowledgedAt.getTime() !== now.getTime()) {
    ctx.out.write(`Alert #${alertId} was already acknowledged at ${formatLocalTime(alert.acknowledgedAt, ctx.env.TZ)}.\n`);
  } else if (alert.status === 'resolved') {
    ctx.out.write(`Acknowledged alert #${alertId} (it is already resolved).\n`);
  } else {
    ctx.out.write(`Acknowledged alert #${alertId}: ${alert.checkName} on '${alert.hostName}'. No more repeat notifications for it.\n`);
  }
  return result;
}
