// Secrets out of text that is printed, logged, stored or exported. Every place that shows a URL or
// an error message from a transport goes through here (config errors, notifier errors, logs).

const MASK = '***';

/**
 * A URL shown by its origin only (scheme, host, port): webhook and Slack URLs carry their secret in
 * the path (hooks.slack.com/services/T0/B1/SECRET) or in `user:password@`, so neither is shown.
 * Text that does not parse as a URL is replaced whole.
 */
export function urlOrigin(text: string): string {
  try {
    const url = new URL(text);
    if (url.origin === 'null') return `${url.protocol}//${MASK}`;
    const rest = url.pathname === '/' && url.search === '' && url.hash === '' ? '' : `/${MASK}`;
    return `${url.origin}${rest}`;
  } catch {
    return MASK;
  }
}

/**
 * `scheme://user:password@rest` with the password masked, also when the text is not a valid URL
 * (an unencoded / ? # @ in the password, or a slash missing after the scheme: mysql:/user:pw@host):
 * the user part is everything up to the last @ before the end, so a password that "ends" early
 * cannot leak its tail.
 */
export function redactUserinfo(text: string): string {
  const scheme = /[a-z][a-z0-9+.-]*:\/*/i.exec(text);
  if (scheme === null) return text;
  const start = scheme.index + scheme[0].length;
  const at = text.lastIndexOf('@');
  if (at < start) return text;
  const userinfo = text.slice(start, at);
  const colon = userinfo.indexOf(':');
  if (colon < 0) return text;
  return `${text.slice(0, start)}${userinfo.slice(0, colon)}:${MASK}${text.slice(at)}`;
}

const URL_WITH_USERINFO = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>/@]*:[^\s'"<>]*@[^\s'"<>]*/gi;

/**
 * Free text (an error message from fetch, nodemailer, mysql2, a server's answer) with the password of
 * every `scheme://user:password@` URL masked, and every known secret masked. `secrets` are the
 * values this process holds (see config/secrets.ts); strings shorter than 4 characters are skipped,
 * since they would mask ordinary words.
 */
export function redactText(text: string, secrets: Iterable<string | null | undefined> = []): string {
  let out = text.replace(URL_WITH_USERINFO, (url) => redactUserinfo(url));
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    out = out.split(secret).join(MASK);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join(MASK);
  }
  return out;
}
