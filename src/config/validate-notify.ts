// The `notify` section. A channel whose address is empty (webhook url, Slack webhook_url, email
// host, command run) is off: `slack: ${SLACK_WEBHOOK_URL:-}` turns Slack on only where the variable
// is set, so one config file serves machines with and without the secret.

import type { CommandNotifierConfig, EmailConfig, NotifyConfig, SlackConfig, WebhookConfig } from './types.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_NOTIFY_TIMEOUT_MS, DEFAULT_SMTP_PORT } from './defaults.js';
import { isEmpty, readBoolean, readDuration, readMap, readNumber, readOneOrMany, readString, requireKey, setOwn } from './fields.js';
import type { Problems } from './fields.js';
import { readHttpUrl } from './validate-core.js';
import type { KeyPath, TreeNode } from './key-path.js';
import { CONFIG_KEYS } from './keys.js';

function readHeaders(p: Problems, at: KeyPath, node: TreeNode | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of readMap(p, at, node, null)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      p.add([...at, name], `'${name}' is not a valid HTTP header name`);
      continue;
    }
    const text = readString(p, [...at, name], value);
    if (text !== null) setOwn(headers, name, text);
  }
  return headers;
}

function readWebhook(p: Problems, at: KeyPath, node: TreeNode): WebhookConfig | null {
  if (node.kind === 'scalar') {
    const url = readHttpUrl(p, at, node, true);
    return url === null ? null : withBasicAuth(p, at, { url, headers: {}, timeoutMs: DEFAULT_NOTIFY_TIMEOUT_MS });
  }
  const s = readMap(p, at, node, CONFIG_KEYS.webhook);
  if (!s.has('url')) requireKey(p, at, s, 'url');
  const url = readHttpUrl(p, [...at, 'url'], s.get('url'), true);
  const headers = readHeaders(p, [...at, 'headers'], s.get('headers'));
  const timeoutMs = readDuration(p, [...at, 'timeout'], s.get('timeout'), DEFAULT_NOTIFY_TIMEOUT_MS, { positive: true });
  return url === null ? null : withBasicAuth(p, [...at, 'url'], { url, headers, timeoutMs });
}

/**
 * `https://user:password@host/…` becomes an `Authorization: Basic` header and a URL without them:
 * fetch refuses credentials in a URL, and a URL is shown in messages where a header never is.
 */
function withBasicAuth(p: Problems, at: KeyPath, webhook: WebhookConfig): WebhookConfig | null {
  const url = new URL(webhook.url);
  if (url.username === '' && url.password === '') return webhook;
  if (Object.keys(webhook.headers).some((name) => name.toLowerCase() === 'authorization')) {
    p.add(at, 'has user:password@ in the URL and an Authorization header; keep one of them');
    return null;
  }
  let credentials: string;
  try {
    credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  } catch {
    p.add(at, 'user:password@ in the URL is not valid percent-encoding');
    return null;
  }
  url.username = '';
  url.password = '';
  const headers = { ...webhook.headers, Authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` };
  return { ...webhook, url: url.toString().replace(/\/+$/, webhook.url.endsWith('/') ? '/' : ''), headers };
}

function readSlack(p: Problems, node: TreeNode | undefined): SlackConfig | null {
  const at = ['notify', 'slack'];
  if (isEmpty(node)) return null;
  if (node.kind === 'scalar') {
    const url = readHttpUrl(p, at, node, true);
    return url === null ? null : { webhookUrl: url, timeoutMs: DEFAULT_NOTIFY_TIMEOUT_MS };
  }
  const s = readMap(p, at, node, CONFIG_KEYS.slack);
  if (!s.has('webhook_url')) requireKey(p, at, s, 'webhook_url');
  const webhookUrl = readHttpUrl(p, [...at, 'webhook_url'], s.get('webhook_url'), true);
  const timeoutMs = readDuration(p, [...at, 'timeout'], s.get('timeout'), DEFAULT_NOTIFY_TIMEOUT_MS, { positive: true });
  return webhookUrl === null ? null : { webhookUrl, timeoutMs };
}

/** Loose on purpose: the SMTP server is the judge of addresses; this catches `to: ops` typos. */
function readAddress(p: Problems, at: KeyPath, node: TreeNode | undefined): string | null {
  const text = readString(p, at, node);
  if (text !== null && !/^[^\s@]+@[^\s@]+$|<[^\s@]+@[^\s@]+>$/.test(text)) {
    p.add(at, `expected an email address like ops@example.com, got '${text}'`);
    return null;
  }
  return text;
}

function readEmail(p: Problems, node: TreeNode | undefined): EmailConfig | null {
  const at = ['notify', 'email'];
  if (isEmpty(node)) return null;
  const s = readMap(p, at, node, CONFIG_KEYS.email);
  if (node.kind !== 'map') return null;
  for (const key of ['host', 'from', 'to']) {
    if (!s.has(key)) requireKey(p, at, s, key);
  }
  const host = readString(p, [...at, 'host'], s.get('host'));
  const from = readAddress(p, [...at, 'from'], s.get('from'));
  const to = readOneOrMany([...at, 'to'], s.get('to'), (itemPath, item) => readAddress(p, itemPath, item));
  const port = readNumber(p, [...at, 'port'], s.get('port'), DEFAULT_SMTP_PORT, { integer: true, min: 1, max: 65_535 });
  const secure = readBoolean(p, [...at, 'secure'], s.get('secure'), false);
  const insecure = readBoolean(p, [...at, 'insecure'], s.get('insecure'), false);
  if (secure && insecure) p.add([...at, 'insecure'], 'contradicts secure: true (insecure only allows a session without STARTTLS)');
  const user = readString(p, [...at, 'user'], s.get('user'));
  const password = readString(p, [...at, 'password'], s.get('password'));
  const timeoutMs = readDuration(p, [...at, 'timeout'], s.get('timeout'), DEFAULT_NOTIFY_TIMEOUT_MS, { positive: true });
  // Everything above is checked even when email is off, so a typo shows before the variable is set.
  if (host === null) return null;
  if (s.has('from') && isEmpty(s.get('from'))) requireKey(p, at, s, 'from');
  if (s.has('to') && isEmpty(s.get('to'))) requireKey(p, at, s, 'to');
  if (from === null || to.length === 0) return null;
  return { host, port, secure, ...(insecure && !secure ? { insecure: true } : {}), user, password, from, to, timeoutMs };
}

function readCommand(p: Problems, at: KeyPath, node: TreeNode): CommandNotifierConfig | null {
  if (node.kind === 'scalar') {
    const run = readString(p, at, node);
    return run === null ? null : { run, timeoutMs: DEFAULT_COMMAND_TIMEOUT_MS };
  }
  const s = readMap(p, at, node, CONFIG_KEYS.command);
  if (!s.has('run')) requireKey(p, at, s, 'run');
  const run = readString(p, [...at, 'run'], s.get('run'));
  const timeoutMs = readDuration(p, [...at, 'timeout'], s.get('timeout'), DEFAULT_COMMAND_TIMEOUT_MS, { positive: true });
  const env: Record<string, string> = {};
  for (const [name, value] of readMap(p, [...at, 'env'], s.get('env'), null)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      p.add([...at, 'env', name], `'${name}' is not a valid environment variable name`);
      continue;
    }
    const text = readString(p, [...at, 'env', name], value);
    setOwn(env, name, text ?? '');
  }
  if (run === null) return null;
  return Object.keys(env).length > 0 ? { run, timeoutMs, env } : { run, timeoutMs };
}

export function readNotify(p: Problems, node: TreeNode | undefined): NotifyConfig {
  const s = readMap(p, ['notify'], node, CONFIG_KEYS.notify);
  return {
    webhooks: readOneOrMany(['notify', 'webhook'], s.get('webhook'), (at, item) => readWebhook(p, at, item)),
    slack: readSlack(p, s.get('slack')),
    email: readEmail(p, s.get('email')),
    commands: readOneOrMany(['notify', 'command'], s.get('command'), (at, item) => readCommand(p, at, item)),
  };
}
