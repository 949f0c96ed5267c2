// mysql2 errors turned into the project's own, with the original kept as `cause`: connection
// failures name host:port and the fix; deadlocks and certification failures are retryable; the
// one-open-alert key becomes DuplicateOpenAlertError.

import { DuplicateOpenAlertError, MonitorError, NodeNotReadyError, RetryableTransactionError, UnavailableError } from '../../errors.js';
import { DuplicateKeyError } from '../sql/errors.js';

import type { MysqlTarget } from '../../database-target/types.js';
export type { MysqlTarget, MysqlTls } from '../../database-target/types.js';

interface MysqlErrorLike extends Error {
  code?: string;
  errno?: number;
  sqlMessage?: string;
}

const URL_HINT = 'database.url / MONITOR_DATABASE_URL';

/**
 * 1213 deadlock (also Galera certification failure), 1205 lock wait timeout, 3101 rollback during
 * commit (Group Replication), 9007 TiDB write conflict, 1020 MariaDB snapshot isolation conflict.
 */
const RETRYABLE_ERRNOS = new Set([1213, 1205, 3101, 9007, 1020]);

/** 1047 ER_UNKNOWN_COM_ERROR: Galera's "WSREP has not yet prepared node for application use". */
const NODE_NOT_READY = 1047;
/** 1317 ER_QUERY_INTERRUPTED: KILL QUERY, or Galera aborting a statement for a replicated DDL. */
const QUERY_INTERRUPTED = 1317;

/** Unique key names in sql/mysql, as `table.column` (the form SQLite reports). */
const KEY_COLUMNS: Record<string, string> = {
  uq_hosts_name: 'hosts.host_name',
  uq_hosts_key_hash: 'hosts.host_key_hash',
  uq_alert_types_key: 'alert_types.check_key',
};

const CONNECT_FAILURES: Record<string, (target: MysqlTarget) => string> = {
  ECONNREFUSED: () => 'connection refused',
  ETIMEDOUT: () => 'timed out',
  ENOTFOUND: (target) => `host '${target.host}' not found`,
  EAI_AGAIN: (target) => `host '${target.host}' could not be resolved`,
  EHOSTUNREACH: () => 'host unreachable',
  ENETUNREACH: () => 'network unreachable',
};

const CONNECTION_LOST = new Set(['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE', 'ER_SERVER_SHUTDOWN', 'PROTOCOL_SEQUENCE_TIMEOUT']);

function isMysqlError(error: unknown): error is MysqlErrorLike {
  return (
    error instanceof Error && (typeof (error as MysqlErrorLike).code === 'string' || typeof (error as MysqlErrorLike).errno === 'number')
  );
}

export function describeTarget(target: MysqlTarget): string {
  return `${target.host}:${target.port}`;
}

export function toStoreError(error: unknown, target: MysqlTarget): unknown {
  if (error instanceof MonitorError) return error;
  if (!isMysqlError(error)) {
    // mysql2's own "Can't add new command when connection is in closed state" has no code, only `fatal`.
    if (error instanceof Error && (error as { fatal?: unknown }).fatal === true) {
      return new UnavailableError(`lost the connection to MySQL at ${describeTarget(target)}`, { hint: 'try again', cause: error });
    }
    return error;
  }
  const where = describeTarget(target);
  const code = error.code ?? '';
  const options = { cause: error };

  if (code === 'ER_DUP_ENTRY' || error.errno === 1062) return duplicateKey(error);
  if (error.errno !== undefined && RETRYABLE_ERRNOS.has(error.errno)) {
    return new RetryableTransactionError(`the transaction was rolled back by MySQL at ${where}: ${error.sqlMessage ?? error.message}`, {
      hint: 'try again',
      ...options,
    });
  }
  if (error.errno === NODE_NOT_READY) {
    return new NodeNotReadyError(`MySQL node at ${where} is not ready to take queries (${error.sqlMessage ?? error.message})`, {
      hint: 'the node is joining, desynced or cut off from its cluster; try again, or point database.url at a synced node',
      ...options,
    });
  }
  if (error.errno === QUERY_INTERRUPTED) {
    return new NodeNotReadyError(`MySQL at ${where} interrupted the statement (${error.sqlMessage ?? error.message})`, {
      hint: 'another node ran a schema change, or someone killed the query; try again',
      ...options,
    });
  }
  if (code === 'HANDSHAKE_NO_SSL_SUPPORT') {
    return new UnavailableError(`MySQL at ${where} does not offer TLS, and ${URL_HINT} asks for it`, {
      hint: 'enable TLS on the server (ssl_cert, ssl_key), or remove ssl and ssl-ca from the URL',
      ...options,
    });
  }
  if (code === 'HANDSHAKE_SSL_ERROR') {
    // mysql2 keeps only Node's message ("self-signed certificate in certificate chain", "Hostname/IP does not match…").
    const trusted = target.tls?.caPath ? `the CA in ${target.tls.caPath}` : "the system's CAs";
    return new UnavailableError(`MySQL at ${where}: the TLS handshake failed (${error.message}; certificates checked against ${trusted})`, {
      hint: 'give the CA that signed it with ssl-ca=/path/to/ca.pem in the URL, or ssl=no-verify to encrypt without checking',
      ...options,
    });
  }
  const connectFailure = CONNECT_FAILURES[code];
  if (connectFailure) {
    return new UnavailableError(`cannot connect to MySQL at ${where} (${connectFailure(target)})`, {
      hint: `is the server running and reachable? Check ${URL_HINT}`,
      ...options,
    });
  }
  if (CONNECTION_LOST.has(code)) {
    return new UnavailableError(`lost the connection to MySQL at ${where}`, {
      hint: 'the server closed it (restarted?); try again',
      ...options,
    });
  }
  if (code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR') {
    const reason = /using password: YES/i.test(error.message) ? 'wrong password' : 'no password given';
    return new UnavailableError(`MySQL at ${where} refused user '${target.user}' (access denied: ${reason})`, {
      hint: `check the user and password in ${URL_HINT}`,
      ...options,
    });
  }
  if (code === 'ER_DBACCESS_DENIED_ERROR' || code === 'ER_HOST_NOT_PRIVILEGED') {
    return new UnavailableError(`MySQL at ${where} refused user '${target.user}' access to database '${target.database}'`, {
      hint: `grant the user privileges on it, or check ${URL_HINT}`,
      ...options,
    });
  }
  if (code === 'ER_BAD_DB_ERROR') {
    return new UnavailableError(`database '${target.database}' does not exist on MySQL at ${where}`, {
      hint: `create it, or check ${URL_HINT}`,
      ...options,
    });
  }
  if (code === 'ER_CON_COUNT_ERROR' || code === 'ER_TOO_MANY_USER_CONNECTIONS') {
    return new UnavailableError(`MySQL at ${where} has too many connections`, {
      hint: 'lower database.pool_size, or raise max_connections on the server',
      ...options,
    });
  }
  if (code === 'ER_OPTION_PREVENTS_STATEMENT' || code === 'ER_READ_ONLY_MODE' || code === 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION') {
    return new UnavailableError(`MySQL at ${where} is read-only`, { hint: `point ${URL_HINT} at the primary`, ...options });
  }
  if (code === 'ER_NO_SUCH_TABLE') {
    return new UnavailableError(`the monitor tables are missing in database '${target.database}' at ${where}`, {
      hint: 'run `monitor db migrate`',
      ...options,
    });
  }
  return error;
}

/** "Duplicate entry 'web-01' for key 'uq_hosts_name'" (MySQL 8 writes 'hosts.uq_hosts_name'). */
function duplicateKey(error: MysqlErrorLike): Error {
  const text = error.sqlMessage ?? error.message;
  const key = /for key '([^']+)'/.exec(text)?.[1]?.split('.').pop() ?? 'unknown';
  const value = /Duplicate entry '(.*)' for key/.exec(text)?.[1] ?? '';
  if (key === 'uq_alerts_open') {
    return new DuplicateOpenAlertError('an alert is already open for this host and check', { cause: error });
  }
  const constraint = KEY_COLUMNS[key] ?? key;
  const message =
    constraint === 'hosts.host_name' ? `host '${value}' already exists` : `a row with ${constraint} '${value}' already exists`;
  return new DuplicateKeyError(constraint, message, { cause: error });
}
