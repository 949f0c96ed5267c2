// The drivers' errors as users meet them: each mapped to the project's own error (exit code, retry
// or not) with a message naming where and a hint saying what to do. The errors are built the way
// mysql2 and better-sqlite3 raise them (code, errno, sqlMessage): most of these states (a full disk,
// a read-only replica, a server out of connections) cannot be produced on demand by a test.

import { describe, expect, it } from 'vitest';
import { NodeNotReadyError, RetryableTransactionError, UnavailableError } from '../../src/errors.js';
import { toStoreError as fromMysql, type MysqlTarget } from '../../src/store/mysql/errors.js';
import { toStoreError as fromSqlite } from '../../src/store/sqlite/errors.js';

const target: MysqlTarget = { host: 'db.example.com', port: 3306, user: 'monitor', password: 'x', database: 'monitor' };
const driverError = (message: string, fields: { code?: string; errno?: number; sqlMessage?: string; fatal?: boolean }) =>
  Object.assign(new Error(message), fields);

describe('MySQL driver errors', () => {
  it.each([
    [
      'no password given',
      driverError("Access denied for user 'monitor'@'10.0.0.5' (using password: NO)", { code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 }),
      "MySQL at db.example.com:3306 refused user 'monitor' (access denied: no password given)",
      /user and password/,
    ],
    [
      'no grant on the database',
      driverError("Access denied for user 'monitor'@'%' to database 'monitor'", { code: 'ER_DBACCESS_DENIED_ERROR', errno: 1044 }),
      "MySQL at db.example.com:3306 refused user 'monitor' access to database 'monitor'",
      /grant the user privileges/,
    ],
    [
      'too many connections',
      driverError('Too many connections', { code: 'ER_CON_COUNT_ERROR', errno: 1040 }),
      'MySQL at db.example.com:3306 has too many connections',
      /database\.pool_size.*max_connections/,
    ],
    [
      'a read-only replica',
      driverError('The MariaDB server is running with the --read-only option', { code: 'ER_OPTION_PREVENTS_STATEMENT', errno: 1290 }),
      'MySQL at db.example.com:3306 is read-only',
      /at the primary/,
    ],
    [
      'tables missing',
      driverError("Table 'monitor.hosts' doesn't exist", { code: 'ER_NO_SUCH_TABLE', errno: 1146 }),
      "the monitor tables are missing in database 'monitor' at db.example.com:3306",
      /monitor db migrate/,
    ],
    [
      'a dropped connection',
      driverError('Connection lost: The server closed the connection.', { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }),
      'lost the connection to MySQL at db.example.com:3306',
      /try again/,
    ],
    [
      'a command on a closed connection (mysql2 gives it no code)',
      driverError("Can't add new command when connection is in closed state", { fatal: true }),
      'lost the connection to MySQL at db.example.com:3306',
      /try again/,
    ],
    [
      'an unknown host',
      driverError('getaddrinfo ENOTFOUND db.example.com', { code: 'ENOTFOUND' }),
      "cannot connect to MySQL at db.example.com:3306 (host 'db.example.com' not found)",
      /is the server running and reachable/,
    ],
  ])('%s', (_what, error, message, hint) => {
    const mapped = fromMysql(error, target);
    expect(mapped).toBeInstanceOf(UnavailableError);
    expect((mapped as UnavailableError).message).toBe(message);
    expect((mapped as UnavailableError).hint).toMatch(hint);
    expect((mapped as Error).cause).toBe(error);
  });

  it('a lock wait timeout or deadlock is retryable, with the server message', () => {
    const error = driverError('Lock wait timeout exceeded; try restarting transaction', {
      code: 'ER_LOCK_WAIT_TIMEOUT',
      errno: 1205,
      sqlMessage: 'Lock wait timeout exceeded; try restarting transaction',
    });
    const mapped = fromMysql(error, target);
    expect(mapped).toBeInstanceOf(RetryableTransactionError);
    expect((mapped as Error).message).toBe(
      'the transaction was rolled back by MySQL at db.example.com:3306: Lock wait timeout exceeded; try restarting transaction',
    );
  });

  it('a Galera node that is not ready (1047) and an interrupted statement (1317) are outages that may be retried, not bugs', () => {
    const notReady = fromMysql(
      driverError('WSREP has not yet prepared node for application use', {
        code: 'ER_UNKNOWN_COM_ERROR',
        errno: 1047,
        sqlMessage: 'WSREP has not yet prepared node for application use',
      }),
      target,
    );
    expect(notReady).toBeInstanceOf(NodeNotReadyError);
    expect(notReady).toBeInstanceOf(UnavailableError);
    expect((notReady as Error).message).toBe(
      'MySQL node at db.example.com:3306 is not ready to take queries (WSREP has not yet prepared node for application use)',
    );
    expect((notReady as UnavailableError).hint).toMatch(/joining, desynced or cut off from its cluster/);
    const interrupted = fromMysql(
      driverError('Query execution was interrupted', {
        code: 'ER_QUERY_INTERRUPTED',
        errno: 1317,
        sqlMessage: 'Query execution was interrupted',
      }),
      target,
    );
    expect(interrupted).toBeInstanceOf(NodeNotReadyError);
    expect((interrupted as Error).message).toBe('MySQL at db.example.com:3306 interrupted the statement (Query execution was interrupted)');
  });

  it('an error it does not know stays as it was (a bug, answered 500, not hidden as "unavailable")', () => {
    const error = driverError("You have an error in your SQL syntax near 'FORM'", { code: 'ER_PARSE_ERROR', errno: 1064 });
    expect(fromMysql(error, target)).toBe(error);
  });
});

describe('SQLite driver errors', () => {
  const path = '/var/lib/monitor/monitor.db';

  it.each([
    ['SQLITE_READONLY', 'is read-only'],
    ['SQLITE_READONLY_DBMOVED', 'is read-only'],
    ['SQLITE_PERM', 'is not accessible (permission denied)'],
    ['SQLITE_FULL', 'is on a full disk'],
    ['SQLITE_IOERR_WRITE', 'could not be read or written (I/O error)'],
    ['SQLITE_CORRUPT', 'is corrupt'],
  ])('%s: unavailable, naming the file and the fix', (code, says) => {
    const error = driverError('sqlite says no', { code });
    const mapped = fromSqlite(error, path);
    expect(mapped).toBeInstanceOf(UnavailableError);
    expect((mapped as Error).message).toBe(`the SQLite database ${path} ${says} (${code})`);
    expect((mapped as UnavailableError).hint).toBe('check the path and its permissions in database.url / MONITOR_DATABASE_URL');
  });

  it.each(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED'])('%s: retryable, the file locked by another process', (code) => {
    const mapped = fromSqlite(driverError('database is locked', { code }), path);
    expect(mapped).toBeInstanceOf(RetryableTransactionError);
    expect((mapped as Error).message).toBe(`the SQLite database ${path} is locked by another process`);
    expect((mapped as RetryableTransactionError).hint).toMatch(/stuck monitor process/);
  });
});
