// The configured notifiers, each under a stable channel name. The names are stored in the outbox
// (notifications.channel), so they must not change between runs for the same config: they are the
// config section plus the position in its list.

import type { NotifyConfig } from '../config/types.js';
import { createCommandNotifier } from './command.js';
import { createEmailNotifier } from './email.js';
import { createSlackNotifier } from './slack.js';
import type { Notifier } from './types.js';
import { createWebhookNotifier } from './webhook.js';
import { redactText } from '../text/redact.js';

export interface CreateNotifiersOptions {
  /** The environment commands inherit (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /**
   * Masked in every error a notifier throws (the text is logged and stored in notifications.last_error):
   * a receiver may echo its URL, token or Authorization header back in its answer.
   */
  secrets?: readonly string[];
}

/** `webhook:0`, `webhook:1`…, `slack`, `email`, `command:0`… — in that order. */
export function createNotifiers(notify: NotifyConfig, options: CreateNotifiersOptions = {}): Notifier[] {
  const notifiers: Notifier[] = notify.webhooks.map((config, i) => createWebhookNotifier(config, `webhook:${i}`));
  if (notify.slack) notifiers.push(createSlackNotifier(notify.slack, 'slack'));
  if (notify.email) notifiers.push(createEmailNotifier(notify.email, 'email'));
  notify.commands.forEach((config, i) => {
    notifiers.push(createCommandNotifier(config, `command:${i}`, options.env ? { env: options.env } : {}));
  });
  return notifiers.map((notifier) => scrubbed(notifier, options.secrets ?? []));
}

function scrubbed(notifier: Notifier, secrets: readonly string[]): Notifier {
  return {
    channel: notifier.channel,
    async send(payload) {
      try {
        await notifier.send(payload);
      } catch (error) {
        // The same error (its class decides retrying), with the message scrubbed.
        if (error instanceof Error) error.message = redactText(error.message, secrets);
        throw error;
      }
    },
  };
}
