// MySQL/MariaDB for tests: one uniquely named database per suite, created and dropped by the test
// itself. The server comes from MONITOR_TEST_MYSQL_URL (default mysql://root@127.0.0.1:3306) and is
// probed once per test file (at most 2 s). When it cannot be reached, MySQL suites are SKIPPED with
// a loud notice — unless CI=true or MONITOR_REQUIRE_MYSQL=1, where they FAIL instead.
//
//   describeMysql('hosts add on MySQL', (db) => {
//     it('…', async () => { const store = await openStore({ url: db.url, … }); … });
//   });
//
// or, without the describe wrapper: `const db = await mysqlTestDatabase('label')` (null when skipped).

import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, it } from 'vitest';

export const MYSQL_SERVER_URL = process.env.MONITOR_TEST_MYSQL_URL || 'mysql://root@127.0.0.1:3306';
const PROBE_TIMEOUT_MS = 2000;

interface Server {
  host: string;
  port: number;
  user: string;
  password: string;
}

function parseServer(url: string): Server {
  const parsed = new URL(url);
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    user: decodeURIComponent(parsed.username) || 'root',
    password: decodeURIComponent(parsed.password),
  };
}

const server = parseServer(MYSQL_SERVER_URL);

export function mysqlRequired(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1' || process.env.MONITOR_REQUIRE_MYSQL === '1';
}

async function serverConnection(connectTimeout = PROBE_TIMEOUT_MS): Promise<mysql.Connection> {
  return mysql.createConnection({ ...server, connectTimeout, multipleStatements: false });
}

async function probe(): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const attempt = (async () => {
      const connection = await serverConnection();
      try {
        await connection.query('SELECT 1');
      } finally {
        await connection.end();
      }
    })();
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    });
    attempt.catch(() => undefined);
    await Promise.race([attempt, deadline]);
    return null;
  } catch (error) {
    return error instanceof Error ? `${(error as { code?: string }).code ?? ''} ${error.message}`.trim() : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/** Why the server is unusable, or null when it answered. Probed once per test file. */
export const mysqlUnavailableReason: string | null = await probe();
export const mysqlAvailable = mysqlUnavailableReason === null;

function redacted(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

/**
 * When what a suite needs is missing (`problem` says why; null: all there): in CI, or with
 * MONITOR_REQUIRE_MYSQL=1, a failing test instead of the suite; elsewhere the suite is skipped with a
 * loud notice. Returns true when the suite may run.
 */
export function requireOrSkip(name: string, needs: string, problem: string | null, fn: () => void): boolean {
  if (problem === null) return true;
  if (mysqlRequired()) {
    describe(name, () => {
      it(`needs ${needs} (CI / MONITOR_REQUIRE_MYSQL is set)`, () => {
        throw new Error(problem);
      });
    });
    return false;
  }
  announceSkip(name, problem);
  describe.skip(name, fn);
  return false;
}

function announceSkip(name: string, problem: string): void {
  const lines = [`SKIPPED: ${name}`, problem, 'CI=true or MONITOR_REQUIRE_MYSQL=1 makes this a failure.'];
  const width = Math.max(...lines.map((line) => line.length));
  const bar = '!'.repeat(width + 4);
  console.warn(['', bar, ...lines.map((line) => `! ${line.padEnd(width)} !`), bar, ''].join('\n'));
}

/** Why the shared MySQL server cannot be used, for messages. */
function unreachable(): string {
  return `cannot reach ${redacted(MYSQL_SERVER_URL)}: ${mysqlUnavailableReason} (set MONITOR_TEST_MYSQL_URL to a server)`;
}

export interface MysqlTestDatabase {
  readonly name: string;
  /** mysql://user:pass@host:port/name, for database.url. */
  readonly url: string;
  drop(): Promise<void>;
}

function databaseName(label: string): string {
  const clean = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 30);
  return `monitor_test_${clean}_${randomBytes(4).toString('hex')}`;
}

export function databaseUrl(name: string): string {
  const auth = `${encodeURIComponent(server.user)}${server.password ? `:${encodeURIComponent(server.password)}` : ''}@`;
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  return `mysql://${auth}${host}:${server.port}/${name}`;
}

async function dropDatabase(name: string): Promise<void> {
  // Only ever databases this helper named.
  if (!name.startsWith('monitor_test_')) throw new Error(`refusing to drop ${name}`);
  const connection = await serverConnection(5000);
  try {
    await connection.query(`DROP DATABASE IF EXISTS ${mysql.escapeId(name)}`);
  } finally {
    await connection.end();
  }
}

/** A name (and URL) for a database that does not exist yet; drop() removes it if something created it. */
export function reserveMysqlTestDatabase(label: string): MysqlTestDatabase {
  const name = databaseName(label);
  return { name, url: databaseUrl(name), drop: () => dropDatabase(name) };
}

/** Creates an empty, uniquely named database. */
export async function createMysqlTestDatabase(label: string): Promise<MysqlTestDatabase> {
  const database = reserveMysqlTestDatabase(label);
  const connection = await serverConnection(5000);
  try {
    // A case-insensitive collation, as a DBA's plain CREATE DATABASE usually gives: the
    // schema's own table collations must make host names and keys case-sensitive, not the test's.
    await connection.query(`CREATE DATABASE ${mysql.escapeId(database.name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
  } finally {
    await connection.end();
  }
  return database;
}

/**
 * For code outside describeMysql: a fresh database, or null (after the loud notice) when the server
 * is unreachable and not required. Throws when it is required. The caller drops it.
 */
export async function mysqlTestDatabase(label: string): Promise<MysqlTestDatabase | null> {
  if (!mysqlAvailable) {
    if (mysqlRequired()) throw new Error(`MySQL is required (CI / MONITOR_REQUIRE_MYSQL) but ${unreachable()}`);
    announceSkip(label, unreachable());
    return null;
  }
  return createMysqlTestDatabase(label);
}

export interface MysqlSuiteDatabase {
  /** The suite's database (created before its first test, dropped after its last). */
  readonly name: string;
  readonly url: string;
  /** Another fresh database, dropped with the suite's. */
  fresh(label: string): Promise<MysqlTestDatabase>;
  /** A name for a database that does not exist yet, dropped with the suite's if it gets created. */
  reserve(label: string): MysqlTestDatabase;
}

/** describe() with a fresh database of its own; skipped (loudly) or failed when MySQL is unreachable. */
export function describeMysql(name: string, fn: (db: MysqlSuiteDatabase) => void): void {
  let main: MysqlTestDatabase | null = null;
  const extras: MysqlTestDatabase[] = [];
  const handle: MysqlSuiteDatabase = {
    get name() {
      if (!main) throw new Error('describeMysql: the database exists only inside tests and hooks');
      return main.name;
    },
    get url() {
      if (!main) throw new Error('describeMysql: the database exists only inside tests and hooks');
      return main.url;
    },
    async fresh(label) {
      const database = await createMysqlTestDatabase(label);
      extras.push(database);
      return database;
    },
    reserve(label) {
      const database = reserveMysqlTestDatabase(label);
      extras.push(database);
      return database;
    },
  };

  if (!requireOrSkip(name, 'a reachable MySQL server', mysqlAvailable ? null : unreachable(), () => fn(handle))) return;

  describe(name, () => {
    beforeAll(async () => {
      main = await createMysqlTestDatabase(name);
    });
    afterAll(async () => {
      await Promise.all([main, ...extras].filter((database) => database !== null).map((database) => database.drop()));
    });
    fn(handle);
  });
}
