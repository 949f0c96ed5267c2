// Dashboard passwords: scrypt (node:crypto, no dependency), stored in the config as
// `scrypt$N$r$p$salt$hash` (base64url), so the parameters can be raised later without breaking
// existing hashes. API tokens are random 256-bit strings: a plain SHA-256 of them is enough.

import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 16_384;
const R = 8;
const P = 1;
const KEY_BYTES = 32;

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_BYTES, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Why `text` is not a password hash this program can check, or null. */
export function passwordHashProblem(text: string): string | null {
  const parts = text.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt' || ![1, 2, 3].every((i) => /^[1-9][0-9]{0,7}$/.test(parts[i]!))) {
    return 'must be a scrypt hash as written by `monitor users add` (scrypt$N$r$p$salt$hash)';
  }
  return null;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (passwordHashProblem(stored) !== null) return false;
  const [, n, r, p, salt, hash] = stored.split('$') as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64url');
  if (expected.length === 0) return false;
  const N2 = Number(n);
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: N2,
    r: Number(r),
    p: Number(p),
    maxmem: 256 * N2 * Number(r) + 1024 * 1024,
  });
  return timingSafeEqual(key, expected);
}

export const API_TOKEN_PREFIX = 'mt_';

export function newApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashApiToken(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

export function apiTokenHashProblem(text: string): string | null {
  return /^sha256:[0-9a-f]{64}$/.test(text) ? null : 'must be sha256:<64 hex digits> as written by `monitor users token`';
}
