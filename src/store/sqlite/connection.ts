// One better-sqlite3 connection per store: WAL (readers never wait for the writer), a 5 s busy
// timeout for other processes holding the write lock, prepared statements cached by text.

import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { UnavailableError } from '../../errors.js';
import { createPrivateFileSync, makePrivateDirSync } from '../../fs/private-dir.js';
import type { RunResult, SqlDriver, SqlValue } from '../sql/driver.js';
import { toStoreError } from './errors.js';
import { Mutex } from '../mutex.js';
import { retryConflicts } from '../retry.js';
import { sqliteSyntax } from './syntax.js';

const BUSY_TIMEOUT_MS = 5000;
/** How long a statement outside a transaction keeps being retried after the busy timeout. */
const AUTOCOMMIT_RETRY_MS = 15_000;
/** Multi-row statements vary in text with their row count, so the cache is bounded (least recently used out). */
const STATEMENT_CACHE_SIZE = 200;

class SqliteConnection {
  readonly lock = new Mutex();
  private readonly statements = new Map<string, Database.Statement<unknown[]>>();

  constructor(
    readonly db: Database.Database,
    readonly path: string,
  ) {}

  prepare(sql: string): Database.Statement<unknown[]> {
    let statement = this.statements.get(sql);
    if (statement !== undefined) {
      this.statements.delete(sql);
    } else {
      statement = this.db.prepare<unknown[]>(sql);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
    }
    this.statements.set(sql, statement);
    return statement;
  }
}

export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  readonly syntax = sqliteSyntax;
  private done = false;

  /** `bound`: this driver belongs to the open transaction and never waits for the lock. */
  constructor(
    private readonly connection: SqliteConnection,
    private readonly bound: boolean,
  ) {}

  get finished(): boolean {
    return this.done;
  }

  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw toStoreError(error, this.connection.path);
    }
  }

  /**
   * Statements outside a transaction wait while one is open, or they would land inside it. One that
   * still finds another process's write lock past the busy timeout is tried again a few times (as
   * the MySQL driver retries deadlocks outside a transaction): overlapping cron runs of `check` or
   * `collect` on one file then wait their turn instead of failing. A transaction's own statements
   * are not retried here: the store retries the whole transaction.
   */
  private async call<T>(work: () => T): Promise<T> {
    if (this.done) throw new Error('the transaction has finished: use its store only inside the transaction callback');
    if (this.bound) return this.guard(work);
    return retryConflicts(
      () => (this.connection.lock.locked ? this.connection.lock.run(() => this.guard(work)) : Promise.resolve(this.guard(work))),
      4,
      {
        withinMs: AUTOCOMMIT_RETRY_MS,
      },
    );
  }

  all<T = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.call(
      () =>
        this.connection
          .prepare(sql)
          .raw(false)
          .all(...params) as T[],
    );
  }

  arrays(sql: string, params: readonly SqlValue[] = []): Promise<unknown[][]> {
    return this.call(
      () =>
        this.connection
          .prepare(sql)
          .raw(true)
          .all(...params) as unknown[][],
    );
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    return this.call(() => {
      const result = this.connection.prepare(sql).run(...params);
      return { affectedRows: result.changes, insertId: Number(result.lastInsertRowid) };
    });
  }

  exec(sql: string): Promise<void> {
    return this.call(() => void this.connection.db.exec(sql));
  }

  async transaction<T>(fn: (tx: SqlDriver) => Promise<T>, immediate: boolean): Promise<T> {
    if (this.bound) return fn(this);
    const { db, lock } = this.connection;
    await lock.acquire();
    const tx = new SqliteDriver(this.connection, true);
    try {
      this.guard(() => db.exec(immediate ? 'BEGIN IMMEDIATE' : 'BEGIN'));
      try {
        const result = await fn(tx);
        this.guard(() => db.exec('COMMIT'));
        return result;
      } catch (error) {
        // SQLite may already have rolled back (e.g. after SQLITE_FULL); a second ROLLBACK would throw.
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    } finally {
      tx.done = true;
      lock.release();
    }
  }

  /** A real table read, as on MySQL (store.ping is the server's health check). */
  ping(): Promise<void> {
    return this.call(() => void this.connection.prepare('SELECT host_id FROM hosts LIMIT 1').raw(true).get());
  }

  close(): Promise<void> {
    return this.connection.lock.run(() => {
      if (this.connection.db.open) this.connection.db.close();
    });
  }
}

/** Opens (creating the file and its directory) the database at `path`, or ':memory:'. */
export function openSqliteDriver(path: string): SqliteDriver {
  if (path !== ':memory:') {
    try {
      makePrivateDirSync(dirname(path));
    } catch (error) {
      throw new UnavailableError(`cannot create the directory for the SQLite database ${path}`, {
        hint: 'check the path and its permissions in database.url / MONITOR_DATABASE_URL',
        cause: error,
      });
    }
    try {
      createPrivateFileSync(path);
    } catch (error) {
      // EISDIR and friends are explained by the open below; only a refused creation stops here.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EROFS') {
        throw new UnavailableError(`cannot create the SQLite database ${path}`, {
          hint: 'check the path and its permissions in database.url / MONITOR_DATABASE_URL',
          cause: error,
        });
      }
    }
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // WAL: `serve` writes while `check` and `hosts list` read. synchronous=NORMAL is WAL's usual
    // pairing: a commit survives the process dying; only an OS crash may lose the last commits.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // No foreign keys in the schema; the application removes what belongs to a host.
    db.pragma('foreign_keys = OFF');
  } catch (error) {
    db?.close();
    throw toStoreError(error, path);
  }
  return new SqliteDriver(new SqliteConnection(db, path), false);
}
