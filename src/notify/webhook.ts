// Generic webhook: the NotificationPayload itself, POSTed as JSON. Any 2xx is delivered.

import type { WebhookConfig } from '../config/types.js';
import { snippet } from '../text/snippet.js';
import { answerError, originOf, postJson } from './post-json.js';
import type { NotificationPayload, Notifier } from './types.js';

export function createWebhookNotifier(config: WebhookConfig, channel: string): Notifier {
  const what = `${channel} (${originOf(config.url)})`;
  return {
    channel,
    async send(payload: NotificationPayload): Promise<void> {
      const response = await postJson(config.url, payload, { headers: config.headers, timeoutMs: config.timeoutMs, what });
      if (response.status >= 200 && response.status < 300) return;
      const detail = response.body ? `: ${snippet(response.body)}` : '';
      throw answerError(response.status, `${what} answered HTTP ${response.status}${detail}`);
    },
  };
}
