// Slack incoming webhook. Slack answers 200 with the body "ok"; anything else (400 invalid_payload,
// 403 invalid_token, 404 no_service, 410 channel_is_archived) is a failure whose body says why.

import type { SlackConfig } from '../config/types.js';
import { snippet } from '../text/snippet.js';
import { answerError, postJson } from './post-json.js';
import type { NotificationPayload, Notifier } from './types.js';
import { thresholdText } from './threshold-text.js';

// Slack caps a section's text at 3000 characters and a field's at 2000.
const MAX_TEXT = 2900;
const MAX_FIELD = 1900;

export function createSlackNotifier(config: SlackConfig, channel = 'slack'): Notifier {
  // The URL is the secret itself, so errors never show it.
  const what = `${channel} (Slack incoming webhook)`;
  return {
    channel,
    async send(payload: NotificationPayload): Promise<void> {
      const response = await postJson(config.webhookUrl, slackMessage(payload), { timeoutMs: config.timeoutMs, what });
      if (response.status >= 200 && response.status < 300 && response.body.trim() === 'ok') return;
      throw answerError(response.status, `${what} answered HTTP ${response.status}: ${snippet(response.body) || '(empty body)'}`);
    },
  };
}

/** The message body: `text` for notifications and old clients, blocks for the fields. */
export function slackMessage(payload: NotificationPayload): Record<string, unknown> {
  const fields: string[] = [`*Host*\n${escapeSlack(payload.host_name)}`, `*Check*\n${escapeSlack(payload.check_name)}`];
  if (payload.severity) fields.push(`*Severity*\n${payload.severity}`);
  if (payload.value !== null) fields.push(`*Value*\n${payload.value}`);
  const thresholds = thresholdText(payload.params);
  if (thresholds !== '') fields.push(`*Thresholds*\n${escapeSlack(thresholds)}`);
  if (payload.alert_id !== null) fields.push(`*Alert*\n#${payload.alert_id}`);
  return {
    text: escapeSlack(payload.text),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(escapeSlack(payload.text), MAX_TEXT) } },
      { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text: truncate(text, MAX_FIELD) })) },
    ],
  };
}

// Slack reads <...> as links and mentions; a host name or message must not turn into "<!channel>".
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
