// A mysql2 pool behind the SqlDriver interface. Placeholders are filled in client-side (pool.query),
// which saves the prepare round trip of server-side statements; every value is still a parameter.

import { isIP } from 'node:net';
import mysql, {
  type Pool,
  type PoolConnection,
  type QueryOptions,
  type ResultSetHeader,
  type RowDataPacket,
  type SslOptions,
} from 'mysql2/promise';
import type { RunResult, SqlDriver, SqlValue } from '../sql/driver.js';
import { describeTarget, type MysqlTarget, type MysqlTls, toStoreError } from './errors.js';
import { NodeNotReadyError } from '../../errors.js';
import { mysqlSyntax } from './syntax.js';
import { retryConflicts } from '../retry.js';

/**
 * How long a statement outside a transaction keeps being retried after a deadlock, certification
 * failure or a not-ready node: about a request's deadline (serve answers 503 at max(request_timeout, 5 s)).
 */
const AUTOCOMMIT_RETRY_MS = 5_000;

export interface MysqlPoolOptions {
  poolSize: number;
  connectTimeoutMs: number;
  /** Statements run on every new connection (tests set a session time zone with it). */
  sessionSql?: readonly string[];
}

export interface MysqlPoolExtras {
  /** false: connect without selecting a database (to create it). */
  withDatabase?: boolean;
  /**
   * Several statements per query. Only for the sample writer's own pool (sample-writer.ts), which runs
   * nothing but its own escaped statements; never on the pool every other query uses.
   */
  multipleStatements?: boolean;
  /** false: no stack captured per query (mysql2 `trace`), for a hot path whose errors are mapped anyway. */
  trace?: boolean;
}

export function createMysqlPool(target: MysqlTarget, options: MysqlPoolOptions, extras: MysqlPoolExtras = {}): Pool {
  const withDatabase = extras.withDatabase ?? true;
  const pool = mysql.createPool({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    ...(withDatabase ? { database: target.database } : {}),
    connectionLimit: Math.max(1, options.poolSize),
    maxIdle: Math.max(1, options.poolSize),
    connectTimeout: options.connectTimeoutMs,
    waitForConnections: true,
    enableKeepAlive: true,
    // DATETIME(3) comes back as the UTC text we stored and is parsed by fromSqlTime: no time zone
    // (client, session or server) can shift it.
    dateStrings: true,
    timezone: 'Z',
    // Affected rows count rows changed, not rows matched: a duplicate in INSERT … ON DUPLICATE KEY
    // UPDATE k = k counts 0, so inserted and duplicate reports can be told apart.
    flags: ['-FOUND_ROWS'],
    supportBigNumbers: true,
    // JSON as text on MySQL as on MariaDB (where JSON is LONGTEXT): one parsing path.
    jsonStrings: true,
    charset: 'utf8mb4_unicode_ci',
    multipleStatements: extras.multipleStatements ?? false,
    trace: extras.trace ?? true,
    ...(target.tls ? { ssl: sslOptions(target.tls, target.host) } : {}),
  });
  const sessionSql = options.sessionSql ?? [];
  if (sessionSql.length > 0) {
    // Emitted before the new connection runs anything else, so these statements are queued first.
    pool.pool.on('connection', (connection) => {
      for (const sql of sessionSql) {
        connection.query(sql, (error: Error | null) => {
          if (error) connection.destroy();
        });
      }
    });
  }
  return pool;
}

/**
 * mysql2's TLS options. The chain is verified unless ssl=no-verify. The name is verified for a DNS
 * host only: for an IP address mysql2 checks the certificate against "localhost" (it passes no
 * servername), which would refuse a correct certificate, so there the CA alone vouches for the server.
 */
function sslOptions(tls: MysqlTls, host: string): SslOptions {
  return {
    ...(tls.ca === null ? {} : { ca: tls.ca }),
    rejectUnauthorized: tls.verify,
    verifyIdentity: tls.verify && isIP(host) === 0,
  };
}

export class MysqlDriver implements SqlDriver {
  readonly dialect = 'mysql' as const;
  readonly syntax = mysqlSyntax;
  private done = false;

  constructor(
    private readonly pool: Pool,
    readonly target: MysqlTarget,
    private readonly connection: PoolConnection | null = null,
  ) {}

  get finished(): boolean {
    return this.done;
  }

  private async query<T>(options: QueryOptions, params: readonly SqlValue[]): Promise<T> {
    if (this.done) throw new Error('the transaction has finished: use its store only inside the transaction callback');
    // Outside a transaction each statement is its own: one the server rolled back (deadlock,
    // certification failure) or never ran (node not ready, interrupted) is safe to send again. Inside
    // one, only the whole transaction can be retried (withTransactionRetry, SqlStore's own writes).
    if (this.connection === null) return retryConflicts(() => this.queryOnce<T>(options, params), 20, { withinMs: AUTOCOMMIT_RETRY_MS });
    return this.queryOnce<T>(options, params);
  }

  private async queryOnce<T>(options: QueryOptions, params: readonly SqlValue[]): Promise<T> {
    try {
      const [result] = await (this.connection ?? this.pool).query(options, params.length > 0 ? [...params] : undefined);
      return result as T;
    } catch (error) {
      throw toStoreError(error, this.target);
    }
  }

  all<T = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.query<RowDataPacket[]>({ sql }, params) as Promise<T[]>;
  }

  arrays(sql: string, params: readonly SqlValue[] = []): Promise<unknown[][]> {
    return this.query<unknown[][]>({ sql, rowsAsArray: true }, params);
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    const result = await this.query<ResultSetHeader>({ sql }, params);
    return { affectedRows: result.affectedRows, insertId: Number(result.insertId) };
  }

  async exec(sql: string): Promise<void> {
    await this.query({ sql }, []);
  }

  async transaction<T>(fn: (tx: SqlDriver) => Promise<T>, _immediate: boolean): Promise<T> {
    if (this.connection !== null) return fn(this);
    let connection: PoolConnection;
    try {
      connection = await this.pool.getConnection();
    } catch (error) {
      throw toStoreError(error, this.target);
    }
    const tx = new MysqlDriver(this.pool, this.target, connection);
    let reusable = true;
    try {
      await tx.exec('START TRANSACTION');
      const result = await fn(tx);
      await tx.exec('COMMIT');
      return result;
    } catch (error) {
      try {
        await connection.query('ROLLBACK');
      } catch {
        // The connection is broken (likely why the transaction failed): do not hand it out again.
        reusable = false;
      }
      throw error;
    } finally {
      tx.done = true;
      if (reusable) connection.release();
      else connection.destroy();
    }
  }

  /**
   * Whether this server can take work now, asked once (no retries: a load balancer's health check
   * wants the answer, not a wait). `SELECT 1` is not enough: a Galera node that is joining, desynced
   * or outside the primary component still answers it while refusing every table (1047). So: a
   * Galera node must be ready and Synced (wsrep_local_state 4), and a real table must be readable.
   */
  async ping(): Promise<void> {
    const status = await this.queryOnce<RowDataPacket[]>(
      { sql: "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state', 'wsrep_local_state_comment')" },
      [],
    );
    // No wsrep_local_state without a Galera provider (MySQL; MariaDB with wsrep off shows wsrep_ready OFF, alone).
    const wsrep = new Map(status.map((row) => [String(row.Variable_name).toLowerCase(), String(row.Value)]));
    if (wsrep.has('wsrep_local_state') && (wsrep.get('wsrep_ready') !== 'ON' || wsrep.get('wsrep_local_state') !== '4')) {
      const state = `wsrep_ready ${wsrep.get('wsrep_ready') ?? '?'}, wsrep_local_state ${wsrep.get('wsrep_local_state') ?? '?'} (${wsrep.get('wsrep_local_state_comment') ?? '?'})`;
      throw new NodeNotReadyError(`MySQL node at ${describeTarget(this.target)} is not synced with its cluster: ${state}`, {
        hint: 'send work to a synced node until this one has caught up',
      });
    }
    await this.queryOnce({ sql: 'SELECT host_id FROM hosts LIMIT 1' }, []);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
