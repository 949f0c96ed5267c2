// better-sqlite3 errors turned into the project's own, with the original kept as `cause`.

import { DuplicateOpenAlertError, MonitorError, RetryableTransactionError, UnavailableError } from '../../errors.js';
import { DuplicateKeyError } from '../sql/errors.js';

interface SqliteErrorLike {
  code: string;
  message: string;
}

function isSqliteError(error: unknown): error is SqliteErrorLike {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/** Error codes that mean the file itself is unusable: missing, unreadable, full, or not a database. */
const UNAVAILABLE: Record<string, string> = {
  SQLITE_CANTOPEN: 'cannot be opened',
  SQLITE_READONLY: 'is read-only',
  SQLITE_PERM: 'is not accessible (permission denied)',
  SQLITE_FULL: 'is on a full disk',
  SQLITE_IOERR: 'could not be read or written (I/O error)',
  SQLITE_NOTADB: 'is not a SQLite database',
  SQLITE_CORRUPT: 'is corrupt',
};

export function toStoreError(error: unknown, path: string): unknown {
  if (error instanceof MonitorError || !isSqliteError(error)) return error;
  const code = error.code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    // "UNIQUE constraint failed: alerts.host_id, alerts.check_id" — the partial index uq_alerts_open.
    const columns = error.message.replace(/^.*constraint failed:\s*/i, '');
    if (columns.startsWith('alerts.')) {
      return new DuplicateOpenAlertError('an alert is already open for this host and check', { cause: error });
    }
    return new DuplicateKeyError(columns, `a row with the same ${columns} already exists`, { cause: error });
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new RetryableTransactionError(`the SQLite database ${path} is locked by another process`, {
      hint: 'try again; if it persists, look for a stuck monitor process',
      cause: error,
    });
  }
  const base = Object.keys(UNAVAILABLE).find((prefix) => code === prefix || code.startsWith(`${prefix}_`));
  if (base !== undefined) {
    return new UnavailableError(`the SQLite database ${path} ${UNAVAILABLE[base]} (${code})`, {
      hint: 'check the path and its permissions in database.url / MONITOR_DATABASE_URL',
      cause: error,
    });
  }
  return error;
}
