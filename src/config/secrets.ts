// Every secret value a loaded config holds, so text that leaves the process (stderr, logs, the
// outbox's last_error) can be scrubbed of them with redactText (src/text/redact.ts).

import type { Config } from './types.js';

/** Path segments and query values this long are treated as tokens (Slack's T0/B1/SECRET). */
const TOKEN_MIN_LENGTH = 12;

function urlSecrets(text: string): string[] {
  const secrets = [text];
  try {
    const url = new URL(text);
    if (url.password) secrets.push(url.password, decodeURIComponent(url.password));
    secrets.push(...url.pathname.split('/').filter((segment) => segment.length >= TOKEN_MIN_LENGTH));
    for (const value of url.searchParams.values()) if (value.length >= 8) secrets.push(value);
    if (url.pathname.length > 1) secrets.push(`${url.pathname}${url.search}`);
  } catch {
    // Not a URL: the whole text is the secret.
  }
  return secrets;
}

/** Headers that carry credentials; Content-Type or X-Source values are not secrets, and masking them would garble logs. */
const CREDENTIAL_HEADER = /auth|token|key|secret|pass|cookie|signature|session/i;

/** A header value, and its credential alone ("Bearer abc" -> "abc", "Basic <b64>" -> "<b64>"). */
function headerSecrets(value: string): string[] {
  const space = value.indexOf(' ');
  if (space < 0) return [value];
  const credential = value.slice(space + 1);
  const secrets = [value, credential];
  if (/^basic$/i.test(value.slice(0, space))) {
    // The password inside, as a receiver might echo it back decoded.
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) secrets.push(decoded.slice(colon + 1));
  }
  return secrets;
}

export function configSecrets(
  config: Pick<Config, 'database' | 'agent' | 'notify'> & { server?: { metricsToken?: string | null } },
): string[] {
  const secrets: string[] = [];
  const { target } = config.database;
  if (target.kind === 'mysql' && target.password) secrets.push(target.password);
  if (config.agent.hostKey) secrets.push(config.agent.hostKey);
  if (config.server?.metricsToken) secrets.push(config.server.metricsToken);
  for (const webhook of config.notify.webhooks) {
    secrets.push(...urlSecrets(webhook.url));
    for (const [name, value] of Object.entries(webhook.headers)) if (CREDENTIAL_HEADER.test(name)) secrets.push(...headerSecrets(value));
  }
  if (config.notify.slack) secrets.push(...urlSecrets(config.notify.slack.webhookUrl));
  if (config.notify.email?.password) secrets.push(config.notify.email.password);
  // A command's env: map is how a paging script gets its token or its URL with a password, and
  // the script may echo it in an error: every value is a secret (values under 4 characters, such
  // as DEBUG: 1, are skipped below).
  for (const command of config.notify.commands) for (const value of Object.values(command.env ?? {})) secrets.push(...urlSecrets(value));
  // Longest first, so a secret that contains another is masked whole.
  return [...new Set(secrets.filter((secret) => secret.length >= 4))].sort((a, b) => b.length - a.length);
}
