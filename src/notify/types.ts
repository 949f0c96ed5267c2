// What notifiers receive. The payload is stored in the outbox (table `notifications`) as JSON when
// the transition is committed, and delivered afterwards, so it carries everything a channel renders.

import type { OutboxEvent } from '../store/types.js';

/** The JSON a generic webhook receives; Slack, email and command render the same object. */
export interface NotificationPayload {
  /** 'group': one message for many transitions of one check in one run (see group.ts). */
  event: OutboxEvent;
  alert_id: number | null;
  host_name: string;
  check_key: string;
  check_name: string;
  severity: 'warning' | 'critical' | null;
  status: 'open' | 'resolved' | null;
  message: string;
  /** The value the check decided on (for an open or a severity change: the one that crossed the level). */
  value: number | null;
  /**
   * The check's effective thresholds for this host, e.g. { warn: 80, crit: 90, for: "5m" }
   * (durations as text; only those set). Empty for rows stored by older versions.
   */
  params: Record<string, number | string>;
  /** ISO-8601 UTC. */
  triggered_at: string | null;
  resolved_at: string | null;
  /** On the late announcement of an alert re-opened inside its cooldown: when it re-opened (ISO-8601 UTC). */
  reopened_at?: string;
  /** On a repeat notification: how long the alert has been open, in seconds. */
  open_for_seconds?: number;
  /** The console line, e.g. "🚨 NEW ALERT #15: Disk Space - Host 'storage-server-04' disk usage critical: 92%". */
  text: string;
  /** A group only: how many transitions, the first hosts' names, and every transition's own payload. */
  count?: number;
  hosts?: string[];
  transitions?: NotificationPayload[];
}

export interface Notifier {
  /** Stable name of this configured destination: `webhook:0`, `slack`, `email`, `command:0`. */
  readonly channel: string;
  /** Resolves when delivered; throws (any error) when not. Must give up within its configured timeout. */
  send(payload: NotificationPayload): Promise<void>;
}
