// One scenario, two databases: the admin command tests (hosts, db, alerts, checks) register their
// tests once through `eachBackend` and run them against a real SQLite file and a real MariaDB
// database. Each test gets a fresh HOME (so the embedded database lands at its XDG default) and, on
// MariaDB, a database name that does not exist yet: the first command creates it, as a user's would.
// Tests read and check the tables with plain SQL on their own connection, never through the code
// under test.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { describe } from 'vitest';
import { openStore } from '../../../src/store/open-store.js';
import type { Store } from '../../../src/store/store.js';
import { runCli, type CliOptions, type CliResult } from '../../support/cli.js';
import { describeMysql, MYSQL_SERVER_URL, type MysqlSuiteDatabase } from '../../support/mysql.js';
import { freshPerTest } from '../../support/temp-dir.js';
import { mysqlRows, sqliteRows, type SqlParam } from '../../support/raw-sql.js';
import { databaseConfig } from '../../support/database-config.js';

export type { SqlParam } from '../../support/raw-sql.js';

export interface AdminBackend {
  readonly kind: 'sqlite' | 'mysql';
  /** The test's HOME (and working directory of the commands). */
  readonly home: string;
  /** What a user would export to reach this database (MONITOR_DATABASE_URL on MariaDB, nothing on SQLite). */
  readonly env: Record<string, string>;
  /** `monitor …` in-process against this database, with the test's HOME. */
  cli(argv: string[], options?: Omit<Partial<CliOptions>, 'home'>): Promise<CliResult>;
  /** The store opened directly (for setup), always closed afterwards. */
  withStore<T>(body: (store: Store) => Promise<T>): Promise<T>;
  /** Plain SQL on a separate connection. Numbers come back as numbers; times and JSON as the stored text. */
  sql<T = Record<string, unknown>>(text: string, params?: SqlParam[]): Promise<T[]>;
  /** Whether the database (the SQLite file, the MariaDB schema) exists at all yet. */
  databaseExists(): Promise<boolean>;
}

/** The embedded default: $XDG_DATA_HOME/monitor/monitor.db, XDG_DATA_HOME unset. */
export function defaultSqliteFile(home: string): string {
  return join(home, '.local', 'share', 'monitor', 'monitor.db');
}

function sqliteBackend(home: string): AdminBackend {
  const file = defaultSqliteFile(home);
  return {
    kind: 'sqlite',
    home,
    env: {},
    cli: (argv, options = {}) => runCli(argv, { ...options, home, env: { ...options.env } }),
    withStore: (body) => withOpenStore(`sqlite:${file}`, body),
    // async so that a SQL error (tests expect some) rejects, as the MariaDB backend's does, rather than throws.
    // eslint-disable-next-line @typescript-eslint/require-await
    sql: async <T>(text: string, params: SqlParam[] = []) => sqliteRows<T>(file, text, params),
    databaseExists: () => Promise.resolve(existsSync(file)),
  };
}

function mysqlBackend(home: string, database: { name: string; url: string }): AdminBackend {
  const connect = (withDatabase: boolean) =>
    mysql.createConnection({
      uri: withDatabase ? database.url : MYSQL_SERVER_URL,
      dateStrings: true,
      jsonStrings: true,
      supportBigNumbers: false,
    });
  return {
    kind: 'mysql',
    home,
    env: { MONITOR_DATABASE_URL: database.url },
    cli: (argv, options = {}) => runCli(argv, { ...options, home, env: { MONITOR_DATABASE_URL: database.url, ...options.env } }),
    withStore: (body) => withOpenStore(database.url, body),
    sql: <T>(text: string, params: SqlParam[] = []) => mysqlRows<T>(database.url, text, params),
    async databaseExists() {
      const connection = await connect(false);
      try {
        const [rows] = await connection.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [database.name]);
        return (rows as unknown[]).length > 0;
      } finally {
        await connection.end();
      }
    },
  };
}

async function withOpenStore<T>(url: string, body: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(databaseConfig(url, { poolSize: 1 }));
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

/**
 * Registers `scenario` twice: on SQLite and on MariaDB (skipped loudly, or failed under CI, when
 * MariaDB is unreachable — see test/support/mysql.ts).
 */
export function eachBackend(title: string, scenario: (backend: () => AdminBackend) => void): void {
  describe(`${title} — SQLite`, () => {
    scenario(freshPerTest('monitor-admin-', (home) => sqliteBackend(home)));
  });
  describeMysql(`${title} — MariaDB`, (db: MysqlSuiteDatabase) => {
    scenario(freshPerTest('monitor-admin-', (home) => mysqlBackend(home, db.reserve('admin'))));
  });
}
