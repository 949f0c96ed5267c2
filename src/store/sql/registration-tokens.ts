// registration_tokens: named, hashed, expiring, revocable tokens with which agents register themselves.

import { ConflictError } from '../../errors.js';
import type { RegistrationToken } from '../types.js';
import type { SqlDriver } from './driver.js';
import { DuplicateKeyError } from './errors.js';
import { bool, num, type Row, sqlBool, sqlTime, sqlTimeOrNull, str, time, timeOrNull } from './rows.js';

const COLUMNS = 'token_name, token_hash, created_at, expires_at, revoked_at, allow_reregister, uses, last_used_at';

function toToken(row: Row): RegistrationToken {
  return {
    name: str(row.token_name),
    tokenHash: str(row.token_hash),
    createdAt: time(row.created_at),
    expiresAt: timeOrNull(row.expires_at),
    revokedAt: timeOrNull(row.revoked_at),
    allowReregister: bool(row.allow_reregister),
    uses: num(row.uses),
    lastUsedAt: timeOrNull(row.last_used_at),
  };
}

export async function addRegistrationToken(
  db: SqlDriver,
  input: { name: string; tokenHash: string; createdAt: Date; expiresAt: Date | null; allowReregister: boolean },
): Promise<RegistrationToken> {
  try {
    await db.run('INSERT INTO registration_tokens (token_name, token_hash, created_at, expires_at, allow_reregister) VALUES (?, ?, ?, ?, ?)', [
      input.name,
      input.tokenHash,
      sqlTime(input.createdAt),
      sqlTimeOrNull(input.expiresAt),
      sqlBool(input.allowReregister),
    ]);
  } catch (error) {
    if (error instanceof DuplicateKeyError) {
      throw new ConflictError(`a registration token named '${input.name}' already exists`, {
        hint: 'choose another name, or revoke the old one with `monitor tokens revoke`',
        cause: error.cause,
      });
    }
    throw error;
  }
  return { ...input, revokedAt: null, uses: 0, lastUsedAt: null };
}

export async function listRegistrationTokens(db: SqlDriver): Promise<RegistrationToken[]> {
  return (await db.all(`SELECT ${COLUMNS} FROM registration_tokens ORDER BY token_name`)).map(toToken);
}

export async function findRegistrationTokenByHash(db: SqlDriver, tokenHash: string): Promise<RegistrationToken | null> {
  const rows = await db.all(`SELECT ${COLUMNS} FROM registration_tokens WHERE token_hash = ?`, [tokenHash]);
  return rows[0] ? toToken(rows[0]) : null;
}

/** Sets revoked_at once; false when there is no such token (or it was already revoked). */
export async function revokeRegistrationToken(db: SqlDriver, name: string, at: Date): Promise<boolean> {
  const result = await db.run('UPDATE registration_tokens SET revoked_at = ? WHERE token_name = ? AND revoked_at IS NULL', [sqlTime(at), name]);
  return result.affectedRows > 0;
}

export async function countRegistrationTokenUse(db: SqlDriver, name: string, at: Date): Promise<void> {
  await db.run('UPDATE registration_tokens SET uses = uses + 1, last_used_at = ? WHERE token_name = ?', [sqlTime(at), name]);
}
