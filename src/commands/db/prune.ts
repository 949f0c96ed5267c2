import type { Context } from '../../context.js';
import { withStore } from '../../store/with-store.js';
import { printJson } from '../../output/json.js';
import { formatLocalTime } from '../../output/time-format.js';

const DEFAULT_BATCH_SIZE = 5000;

export interface DbPruneOptions {
  olderThan: number;
  alertsOlderThan: number | undefined;
  batchSize: number | undefined;
  json: boolean | undefined;
}

export interface DbPruneResult {
  samples_deleted: number;
  samples_before: Date;
  alerts_deleted: number | null;
  alerts_before: Date | null;
  /** Finished notifications (delivered or given up) created before alerts_before: the alerts' delivery log. */
  notifications_deleted: number | null;
}

/**
 * `monitor db prune --older-than 30d`: deletes old samples in bounded batches (no long table lock).
 * Resolved alerts stay unless --alerts-older-than is given; open alerts are never pruned. With it,
 * the outbox's finished rows of the same age go too; a notification still pending never does.
 */
export async function dbPrune(ctx: Context, options: DbPruneOptions): Promise<DbPruneResult> {
  const now = ctx.clock.now();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const samplesBefore = new Date(now.getTime() - options.olderThan);
  const alertsBefore = options.alertsOlderThan === undefined ? null : new Date(now.getTime() - options.alertsOlderThan);
  const result = await withStore(ctx, async (store) => ({
    samples_deleted: await store.pruneSamples(samplesBefore, batchSize),
    samples_before: samplesBefore,
    alerts_deleted: alertsBefore ? await store.pruneResolvedAlerts(alertsBefore, batchSize) : null,
    alerts_before: alertsBefore,
    notifications_deleted: alertsBefore
      ? await store.pruneFinishedNotifications(alertsBefore, ctx.config.alerting.maxNotifyAttempts, batchSize)
      : null,
  }));
  if (options.json) printJson(ctx.out, result);
  else {
    ctx.out.write(`Deleted ${result.samples_deleted} samples collected before ${formatLocalTime(samplesBefore, ctx.env.TZ)}.\n`);
    if (alertsBefore) {
      const before = formatLocalTime(alertsBefore, ctx.env.TZ);
      ctx.out.write(`Deleted ${result.alerts_deleted} alerts resolved before ${before}.\n`);
      ctx.out.write(`Deleted ${result.notifications_deleted} sent or abandoned notifications queued before ${before}.\n`);
    }
  }
  return result;
}
