import type { Context } from '../../context.js';
import { withStore } from '../../store/with-store.js';
import { closeAlertByHand, closeReasonText } from '../../alerts/close-alerts.js';
import { formatTransitionLine } from '../../alerts/lines.js';
import { configuredChannels } from '../../notify/configured-channels.js';
import { toAlertJson, type AlertJson } from '../../output/alert-view.js';
import { printJson } from '../../output/json.js';

/**
 * `monitor alerts close ID [--reason TEXT]`: resolves an open alert by hand ("closed by hand:
 * TEXT"), announced like a resolve when its opening was; the next `monitor check` run delivers it.
 * If the condition still holds, the next run opens a new alert (after the cooldown, announced).
 * The dashboard's Close button runs the same closeAlertByHand.
 */
export async function alertsClose(
  ctx: Context,
  alertId: number,
  options: { reason: string | undefined; json: boolean | undefined },
): Promise<AlertJson> {
  const reason = closeReasonText(options.reason);
  const now = ctx.clock.now();
  const channels = configuredChannels(ctx.config.notify);
  const { alert, record } = await withStore(ctx, (store) =>
    closeAlertByHand(store, alertId, reason, { now, channels, timeZone: ctx.env.TZ }),
  );
  const result = toAlertJson(alert, now);
  if (options.json) printJson(ctx.out, result);
  else ctx.out.write(`${formatTransitionLine(record)}\n`);
  return result;
}
