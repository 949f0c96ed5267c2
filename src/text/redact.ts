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

/** `scheme://user:` — where a password may start; the user part has no spaces, quotes, / @ or :. */
const USERINFO_START = /\b[a-z][a-z0-9+.-]*:\/\/([^\s'"<>/@:]*):/gi;
/** The next URL: a password never runs into it. */
const NEXT_URL = /[a-z][a-z0-9+.-]*:\/\//gi;
/**
 * `host:port` rather than `user:password`: a host before the colon (dotted, localhost, or an IPv6
 * literal) and up to five digits after it that end where a port ends. Without this, an SMTP error
 * naming `smtp://mail.example.com:25` and then a recipient `ops@example.com` would lose everything
 * in between. A password that starts like a port (`2024 Summer`) is only taken for one after a
 * dotted user name.
 */
function isHostAndPort(user: string, rest: string): boolean {
  if (user.startsWith('[')) return true;
  return (user.includes('.') || user.toLowerCase() === 'localhost') && /^[0-9]{1,5}(?=[/?#)\]>,;\s'"]|$)/.test(rest);
}

/**
 * The end (the index of its `@`) of the password that starts at `from` in free text, or -1 when the
 * colon before `from` was not a password's. A password may hold spaces, quotes and `@` (a URL pasted
 * unencoded into a config or a command line, echoed by mysql2 or a shell): it runs to the last `@`
 * before a host, on its line and before the next URL. Masking a word too many beats showing a tail.
 */
function passwordEnd(text: string, from: number, user: string): number {
  if (isHostAndPort(user, text.slice(from, from + 6))) return -1;
  const newline = text.indexOf('\n', from);
  NEXT_URL.lastIndex = from;
  const next = NEXT_URL.exec(text);
  const limit = Math.min(newline < 0 ? text.length : newline, next ? next.index : text.length);
  for (let at = text.lastIndexOf('@', limit - 1); at >= from; at = text.lastIndexOf('@', at - 1)) {
    if (/[a-z0-9[]/i.test(text.charAt(at + 1))) return at;
  }
  return -1;
}

/**
 * Free text (an error message from fetch, nodemailer, mysql2, a server's answer, a config loader's
 * complaint about --database) with the password of every `scheme://user:password@` URL masked, and
 * every known secret masked. `secrets` are the values this process holds (see config/secrets.ts);
 * strings shorter than 4 characters are skipped, since they would mask ordinary words.
 */
export function redactText(text: string, secrets: Iterable<string | null | undefined> = []): string {
  let out = '';
  let done = 0;
  for (const start of text.matchAll(USERINFO_START)) {
    const from = start.index + start[0].length;
    if (from <= done) continue;
    const end = passwordEnd(text, from, start[1]!);
    if (end < 0) continue;
    out += `${text.slice(done, from)}${MASK}`;
    done = end;
  }
  out += text.slice(done);
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    out = out.split(secret).join(MASK);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join(MASK);
  }
  return out;
}
