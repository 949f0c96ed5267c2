import type { Context } from '../../context.js';
import { ConflictError, UsageError } from '../../errors.js';
import { withStore } from '../../store/with-store.js';
import { closeAlerts } from '../../alerts/close-alerts.js';
import { formatTransitionLine } from '../../alerts/lines.js';
import { configuredChannels } from '../../notify/configured-channels.js';
import { toAlertJson, type AlertJson } from '../../output/alert-view.js';
import { printJson } from '../../output/json.js';
import { formatLocalTime } from '../../output/time-format.js';
import { alertNotFound } from './show.js';

const MAX_REASON = 500;

/**
 * `monitor alerts close ID [--reason TEXT]`: resolves an open alert by hand ("closed by hand:
 * TEXT"), announced like a resolve when its opening was; the next `monitor check` run delivers it.
 * If the condition still holds, the next run opens a new alert (after the cooldown, announced).
 */
export async function alertsClose(ctx: Context, alertId: number, options: { reason: string | undefined; json: boolean | undefined }): Promise<AlertJson> {
  const reason = options.reason === undefined ? null : options.reason.replace(/\s+/g, ' ').trim();
  if (reason === '') throw new UsageError('--reason is empty', { hint: 'say why, or leave --reason out' });
  if (reason !== null && reason.length > MAX_REASON) throw new UsageError(`--reason is longer than ${MAX_REASON} characters`);
  const now = ctx.clock.now();
  const channels = configuredChannels(ctx.config.notify);
  const { alert, line } = await withStore(ctx, (store) =>
    store.transaction(async (tx) => {
      const found = await tx.getAlert(alertId);
      if (!found) throw alertNotFound(alertId);
      if (found.status !== 'open') {
        const when = found.resolvedAt ? ` at ${formatLocalTime(found.resolvedAt, ctx.env.TZ)}` : '';
        throw new ConflictError(`alert #${alertId} is already resolved${when}`, { hint: 'only open alerts can be closed; see `monitor alerts list --status open`' });
      }
      const [record] = await closeAlerts(tx, [found], { kind: 'by_hand', text: reason }, { now, channels });
      if (!record) throw new ConflictError(`alert #${alertId} was resolved meanwhile`);
      return { alert: (await tx.getAlert(alertId))!, line: formatTransitionLine(record) };
    }, { immediate: true }),
  );
  const result = toAlertJson(alert, now);
  if (options.json) printJson(ctx.out, result);
  else ctx.out.write(`${line}\n`);
  return result;
}
