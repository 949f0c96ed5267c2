// Delivers the notification outbox. `monitor check` commits a run's transitions together with one
// outbox row per (transition, channel), then calls deliverPending: the alert record never waits on
// a notifier, and a notifier that fails is retried on the next run until it delivers or runs out of
// attempts. Each row is claimed (a conditional UPDATE with this run's token and an expiry) before
// its send and marked delivered right after, so two runs that overlap never both send it, and a
// later run never sends it again. The one way a row goes out twice: the process dies after the
// channel accepted it and before the mark is committed; its claim then expires and it is re-sent.
// Claims and marks are single autocommit statements, which both drivers send again when the
// database rolled them back as a conflict: no retry of our own around them.

import { randomBytes } from 'node:crypto';
import type { Logger } from '../context.js';
import type { Store } from '../store/store.js';
import type { Notification } from '../store/types.js';
import { parseNotificationPayload } from './payload.js';
import type { Notifier } from './types.js';

export interface DeliverPendingOptions {
  store: Store;
  notifiers: readonly Notifier[];
  now: () => Date;
  /** Rows that already failed this many times are left alone for good. */
  maxAttempts: number;
  log: Logger;
  /** How many pending rows of each channel one run looks at, oldest first. */
  limit?: number;
  /** This run's claim token (the check run's lease owner); default a random one. */
  claimToken?: string;
  /** How long a claim lasts: longer than any send may take. Default 2 minutes. */
  claimMs?: number;
}

export interface DeliveryResult {
  delivered: number;
  /** Sends that failed this run (each recorded on its row with attempts + 1). */
  failed: number;
  /** Rows not tried because an earlier row of the same channel failed this run, or another run holds its claim: still pending. */
  deferred: number;
}

const DEFAULT_CLAIM_MS = 120_000;

const DEFAULT_DELIVERY_LIMIT = 1000;

// Bounded so a long error (an HTML error page) fits any last_error column.
const MAX_ERROR_LENGTH = 1000;

/** The channel names to enqueue one outbox row for, per transition. */
export function channelsFor(notifiers: readonly Notifier[]): string[] {
  return notifiers.map((notifier) => notifier.channel);
}

/**
 * Sends every pending row through the notifier of its channel. Channels run concurrently; within a
 * channel rows go in order (an alert's "resolved" never arrives before its "new alert"), and the first
 * failure stops that channel for this run: the destination is most likely down, and trying every
 * queued row would cost one timeout each. A notifier failure never throws; a store failure does,
 * after the other channels have finished.
 */
export async function deliverPending(options: DeliverPendingOptions): Promise<DeliveryResult> {
  const { store, maxAttempts } = options;
  const claim = { token: options.claimToken ?? `outbox:${randomBytes(8).toString('hex')}`, ms: options.claimMs ?? DEFAULT_CLAIM_MS };
  const notifierOf = new Map(options.notifiers.map((notifier) => [notifier.channel, notifier]));
  // Rows of channels that are not configured now are not even read: they stay pending, untouched
  // (the channel may come back in the config, and they were never tried with it).
  const rows = await store.pendingNotifications([...notifierOf.keys()], maxAttempts, options.limit ?? DEFAULT_DELIVERY_LIMIT);
  const result: DeliveryResult = { delivered: 0, failed: 0, deferred: 0 };

  const byChannel = new Map<string, Notification[]>();
  for (const row of rows) {
    const queue = byChannel.get(row.channel);
    if (queue) queue.push(row);
    else byChannel.set(row.channel, [row]);
  }

  const tasks: Promise<void>[] = [];
  for (const [channel, queue] of byChannel) tasks.push(deliverChannel(notifierOf.get(channel)!, queue, options, claim, result));

  const outcomes = await Promise.allSettled(tasks);
  const storeFailure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (storeFailure) throw storeFailure.reason;
  return result;
}

async function deliverChannel(
  notifier: Notifier,
  queue: Notification[],
  options: DeliverPendingOptions,
  claim: { token: string; ms: number },
  result: DeliveryResult,
): Promise<void> {
  const { store, log, now, maxAttempts } = options;
  for (const [index, row] of queue.entries()) {
    const claimedAt = now();
    if (
      !(await store.claimNotification(row.notificationId, claim.token, claimedAt, new Date(claimedAt.getTime() + claim.ms), maxAttempts))
    ) {
      // Another run is sending this channel's rows (or died doing it and its claim has not expired),
      // or spent this row's last attempt since it was read: leave the channel to it, so its rows keep
      // their order.
      log.debug(`notify: ${notifier.channel} is being delivered by another run; leaving ${queue.length - index} row(s) to it`);
      result.deferred += queue.length - index;
      return;
    }
    const payload = parseNotificationPayload(row.payload);
    if (!payload) {
      // This row can never be sent; it must not hold up the rest of the channel.
      await store.markNotificationFailed(row.notificationId, 'stored payload is not a notification', now());
      result.failed += 1;
      log.warn(`notify: notification ${row.notificationId} for ${notifier.channel} has an unreadable payload`, {
        channel: notifier.channel,
        notificationId: row.notificationId,
      });
      continue;
    }

    let error: unknown = null;
    try {
      await notifier.send(payload);
    } catch (caught) {
      error = caught ?? new Error('failed');
    }

    if (error === null) {
      await store.markNotificationDelivered(row.notificationId, now());
      result.delivered += 1;
      continue;
    }

    const message = errorText(error);
    await store.markNotificationFailed(row.notificationId, message, now());
    result.failed += 1;
    const attempt = row.attempts + 1;
    const next = attempt >= maxAttempts ? `giving up after ${attempt} attempts` : 'will retry on the next run';
    log.warn(`notify: ${notifier.channel} failed (attempt ${attempt} of ${maxAttempts}, ${next}): ${message}`, {
      channel: notifier.channel,
      notificationId: row.notificationId,
      attempt,
      error: message,
    });
    result.deferred += queue.length - index - 1;
    return;
  }
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}
