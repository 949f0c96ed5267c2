// Who may see the dashboard and the read API, and who may act (ack).
// - Login is required whenever serve listens beyond loopback, or as soon as users are configured.
//   On loopback with no users, whoever can reach the port is "local" (they could run `monitor
//   alerts ack` on that box anyway).
// - Sessions are stateless signed cookies (HMAC over user, expiry and the user's password hash, so a
//   new password ends old sessions); the key lives in the database's `settings` table, so several
//   `serve` processes behind a load balancer accept each other's cookies.
// - Every state-changing request carries a CSRF token derived from the session (a forged form from
//   another site cannot know it) and, when the browser sends one, an Origin matching the Host.
// - Read-only API tokens (Bearer) for scripts open GET /api/v1 only; host keys open nothing here.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ServerConfig } from '../config/types.js';
import type { Store } from '../store/store.js';
import { hashApiToken, verifyPassword } from './password.js';

export const SESSION_COOKIE = 'monitor_session';
const SESSION_TTL_MS = 12 * 3_600_000;
const SECRET_SETTING = 'dashboard_session_secret';
/** Failed logins allowed per client address per window, then 429 until the window passes. */
export const LOGIN_FAILURES_ALLOWED = 5;
const LOGIN_WINDOW_MS = 60_000;

export type Principal = { kind: 'user'; name: string; csrf: string } | { kind: 'local'; csrf: string } | { kind: 'token'; name: string };

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export interface Access {
  readonly loginRequired: boolean;
  /** Who sent this request, or null (not signed in, or a wrong token). */
  identify(req: IncomingMessage): Promise<Principal | null>;
  /** Checks a password (rate-limited per client address); a Set-Cookie value on success. */
  login(
    name: string,
    password: string,
    clientAddress: string,
    secure: boolean,
  ): Promise<{ cookie: string } | { error: string; retryAfterSeconds?: number }>;
  logoutCookie(secure: boolean): string;
  /** Whether the request may change state: a signed-in user (or local) with the right CSRF token and Origin. */
  csrfOk(req: IncomingMessage, principal: Principal, token: string | undefined): boolean;
}

function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createAccess(options: { store: Store; config: ServerConfig; listenHost: string; now: () => Date }): Access {
  const { store, config } = options;
  const users = config.users ?? {};
  const loginRequired = !isLoopback(options.listenHost) || Object.keys(users).length > 0;
  const tokenNames = new Map(Object.entries(config.apiTokens ?? {}).map(([name, hash]) => [hash, name]));
  const localCsrf = randomBytes(24).toString('base64url');
  const failures = new Map<string, { count: number; until: number }>();

  let secret: Promise<Buffer> | null = null;
  const sessionSecret = (): Promise<Buffer> => {
    secret ??= (async () => {
      let value = await store.getSetting(SECRET_SETTING);
      if (value === null) {
        await store.setSetting(SECRET_SETTING, randomBytes(32).toString('base64url'));
        // Two servers starting at once: the last write wins, so read back what the database kept.
        value = (await store.getSetting(SECRET_SETTING))!;
      }
      return Buffer.from(value, 'base64url');
    })().catch((error: unknown) => {
      secret = null;
      throw error;
    });
    return secret;
  };
  const sign = async (payload: string, name: string): Promise<string> =>
    createHmac('sha256', await sessionSecret())
      .update(`${payload}|${users[name]?.passwordHash ?? ''}`)
      .digest('base64url');

  return {
    loginRequired,

    async identify(req) {
      const auth = req.headers.authorization;
      if (auth !== undefined) {
        const match = /^Bearer\s+(\S+)$/i.exec(auth);
        const name = match ? tokenNames.get(hashApiToken(match[1]!)) : undefined;
        return name === undefined ? null : { kind: 'token', name };
      }
      const cookie = cookies(req).get(SESSION_COOKIE);
      if (cookie !== undefined) {
        const [payload, mac] = cookie.split('.');
        if (payload && mac) {
          const [name, expires] = Buffer.from(payload, 'base64url').toString('utf8').split('|');
          if (name && users[name] && Number(expires) > options.now().getTime() && safeEqual(mac, await sign(payload, name))) {
            return { kind: 'user', name, csrf: await sign(`csrf|${payload}`, name) };
          }
        }
      }
      return loginRequired ? null : { kind: 'local', csrf: localCsrf };
    },

    async login(name, password, clientAddress, secure) {
      const now = options.now().getTime();
      const seen = failures.get(clientAddress);
      if (seen && seen.until > now && seen.count >= LOGIN_FAILURES_ALLOWED) {
        return { error: 'too many failed sign-ins; wait a minute', retryAfterSeconds: Math.ceil((seen.until - now) / 1000) };
      }
      const user = Object.hasOwn(users, name) ? users[name] : undefined;
      // Unknown names cost a scrypt too, so timing does not tell which names exist.
      const ok = await verifyPassword(
        password,
        user?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      );
      if (!user || !ok) {
        const entry = seen && seen.until > now ? seen : { count: 0, until: now + LOGIN_WINDOW_MS };
        entry.count++;
        failures.set(clientAddress, entry);
        if (failures.size > 10_000) failures.clear();
        return { error: 'wrong user name or password' };
      }
      failures.delete(clientAddress);
      const payload = Buffer.from(`${name}|${now + SESSION_TTL_MS}`, 'utf8').toString('base64url');
      const value = `${payload}.${await sign(payload, name)}`;
      return {
        cookie: `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_MS / 1000}${secure ? '; Secure' : ''}`,
      };
    },

    logoutCookie(secure) {
      return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
    },

    csrfOk(req, principal, token) {
      if (principal.kind === 'token') return false;
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== 'null') {
        let host: string;
        try {
          host = new URL(origin).host;
        } catch {
          return false;
        }
        if (host !== req.headers.host) return false;
      } else if (origin === 'null') return false;
      return token !== undefined && safeEqual(token, principal.csrf);
    },
  };
}
