// The ingest path's commit. On a plain MySQL/MariaDB server in ONE round trip: START TRANSACTION,
// the INSERTs and COMMIT reach the server as one multi-statement query. Every round trip costs a
// wake-up on both sides and, in a busy `serve`, a wait behind HTTP work in the event loop before the
// reply is read; the generic transaction path's round trips were most of the commit time. On a
// Galera node (wsrep_on) never: there a certification abort can hide inside a multi-statement
// query (every statement answers OK, no row is left), so each statement goes alone and its answer
// is checked. hosts.last_seen is not written here at all (the hot row every node would fight over):
// `serve` refreshes it apart, at most once per host every few seconds (server/last-seen.ts).
//
// Multi-statement queries are enabled ONLY on this writer's own pool, which runs nothing but the
// statements built here from the shared SQL in store/sql/insert-samples.ts, every value escaped by
// mysql2 (client-side parameters, as everywhere in this adapter).
//
// Per-group counts: the batch writer answers each HTTP request with its own inserted/duplicates.
// One INSERT for all groups reports only a total; when that is 0 or every row, each group's share is
// plain, and that is the usual case. Otherwise (some re-sent reports were already stored, and the
// total does not say whose) the transaction is rolled back before COMMIT — by a guard statement
// right after the INSERT that fails (one round trip), or on Galera by the writer reading the count —
// and the batch is sent again with one INSERT per group, whose counts are exact. Only re-sends mixed
// with new reports pay that second trip.

import mysql, { type Pool, type PoolConnection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import type { InsertResult, NewSample } from '../types.js';
import { byKey, MAX_ROWS_PER_INSERT, SAMPLE_COLUMNS, type SampleParams, toParams } from '../sql/insert-samples.js';
import { createMysqlPool, type MysqlPoolOptions } from './connection.js';
import { RetryableTransactionError, UnavailableError } from '../../errors.js';
import { Mutex } from '../mutex.js';
import { describeTarget, type MysqlTarget, toStoreError } from './errors.js';

/** ER_SUBQUERY_NO_1_ROW: raised on purpose by the guard below (INSERT and UPDATE have no subqueries). */
const GUARD_ERRNO = 1242;

const NO_BACKSLASH_ESCAPES_OFF = "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')";

const INSERT_HEAD = `INSERT INTO incoming_data (${SAMPLE_COLUMNS.join(', ')}) VALUES `;
// The same no-op update as mysqlSyntax.insertIgnore: with -FOUND_ROWS a stored row counts 0 affected.
const INSERT_TAIL = ' ON DUPLICATE KEY UPDATE host_id = host_id';

/**
 * Fails with error 1242 unless the previous statement affected 0 or `rows` rows: the scalar subquery
 * then yields two rows. Plain SQL, so it works wherever multi-statements do (no SIGNAL outside
 * procedures). A SET rather than a SELECT: the reply is a bare OK, no result set to send and parse;
 * the variable lives only in this writer's own session.
 */
const guard = (rows: number): string =>
  mysql.format('SET @mixed_duplicates = (SELECT 1 FROM (SELECT 1 UNION ALL SELECT 2) AS two_rows WHERE ROW_COUNT() NOT IN (0, ?))', [rows]);

interface Group {
  index: number;
  rows: SampleParams[];
}

/** One INSERT: whole groups (guarded when more than one), or part of one group too big for a statement. */
interface InsertPlan {
  groups: Group[];
  rows: SampleParams[];
}

class MixedDuplicates extends Error {}

/** SERVER_STATUS_IN_TRANS in an OK packet's status flags: a transaction is open on the session. */
const SERVER_STATUS_IN_TRANS = 1;
const inTransaction = (reply: ResultSetHeader): boolean => (reply.serverStatus & SERVER_STATUS_IN_TRANS) !== 0;

const DEFAULT_WRITE_TIMEOUT_MS = 30_000;

export class MysqlSampleWriter {
  #pool: Pool | null = null;
  /**
   * Kept between writes: taking a free connection from a mysql2 pool waits for a process.nextTick,
   * which runs only after every pending promise callback, i.e. after the previous batch's HTTP
   * responses have all been written. A held connection sends the next commit at once.
   */
  #connection: PoolConnection | null = null;
  /** Whether the server is a Galera node (wsrep_on): then no multi-statement transactions. */
  #galera = false;
  /** One script at a time on the held connection; later writes wait here in order. */
  readonly #lock = new Mutex();

  /**
   * @param writeTimeoutMs how long one commit may go unanswered before its connection is given up:
   *   far above any real commit (milliseconds), well below TCP keepalive's hours.
   */
  constructor(
    private readonly target: MysqlTarget,
    private readonly options: MysqlPoolOptions,
    private readonly writeTimeoutMs = DEFAULT_WRITE_TIMEOUT_MS,
    /** true: one statement per round trip even off Galera (the benchmark compares the two paths). */
    private readonly alwaysStatements = false,
  ) {}

  /** Writes every group in one transaction and returns each group's counts, in order. */
  write(groups: readonly (readonly NewSample[])[]): Promise<InsertResult[]> {
    return this.#lock.run(() => this.#write(groups));
  }

  async close(): Promise<void> {
    this.#connection?.release();
    this.#connection = null;
    await this.#pool?.end();
  }

  async #write(groups: readonly (readonly NewSample[])[]): Promise<InsertResult[]> {
    const parts: Group[] = groups.map((samples, index) => ({ index, rows: samples.map(toParams).sort(byKey) }));
    const writing = parts.filter((group) => group.rows.length > 0);
    const results = groups.map((samples) => ({ inserted: 0, duplicates: samples.length }));
    if (writing.length === 0) return results;
    // Groups in key order, so concurrent writers (several serve processes) lock rows in one order.
    const inKeyOrder = [...writing].sort((a, b) => byKey(a.rows[0]!, b.rows[0]!));
    try {
      await this.#commit(packGroups(inKeyOrder, true), results);
    } catch (error) {
      if (!(error instanceof MixedDuplicates)) throw error;
      // In the callers' order: a sample repeated by two groups is a duplicate of the later one.
      await this.#commit(packGroups(writing, false), results);
    }
    for (const [i, samples] of groups.entries()) results[i]!.duplicates = samples.length - results[i]!.inserted;
    return results;
  }

  async #commit(plans: InsertPlan[], results: InsertResult[]): Promise<void> {
    const connection = this.#connection ?? (await this.#connect());
    const affected = this.#galera ? await this.#commitStatements(connection, plans) : await this.#commitScript(connection, plans);
    for (const [i, plan] of plans.entries()) {
      if (plan.groups.length === 1) {
        results[plan.groups[0]!.index]!.inserted += affected[i]!;
      } else if (affected[i] === plan.rows.length) {
        // The guard let it through, so it is all or nothing.
        for (const group of plan.groups) results[group.index]!.inserted += group.rows.length;
      }
    }
  }

  /**
   * Plain MySQL/MariaDB: the whole transaction in one round trip. Safe there because the server
   * stops a multi-statement query at the first failing statement (COMMIT never runs) and nothing
   * rolls a transaction back between statements; still, every reply is checked to have run inside
   * the transaction, and COMMIT to have closed it.
   */
  async #commitScript(connection: PoolConnection, plans: InsertPlan[]): Promise<number[]> {
    const script = ['START TRANSACTION'];
    const insertAt: number[] = [];
    for (const plan of plans) {
      insertAt.push(script.length);
      // escape() of an array of arrays is "(v, v, …), (v, v, …)": one pass over the values, no placeholder scan.
      script.push(INSERT_HEAD + mysql.escape(plan.rows) + INSERT_TAIL);
      if (plan.groups.length > 1) script.push(guard(plan.rows.length));
    }
    script.push('COMMIT');
    const replies = await this.#send(connection, script.join(';\n'));
    const list = Array.isArray(replies) ? replies : [replies];
    if (list.length !== script.length) this.#lost(connection, `${list.length} replies to ${script.length} statements`);
    for (const [i, reply] of list.entries()) {
      const last = i === list.length - 1;
      if (inTransaction(reply) === last)
        this.#lost(connection, last ? 'COMMIT left a transaction open' : `statement ${i + 1} ran outside the transaction`);
    }
    return insertAt.map((at) => list[at]!.affectedRows);
  }

  /**
   * Galera (wsrep_on): one statement per round trip. A transaction that certification aborts can
   * answer OK to every statement of a multi-statement query, COMMIT included, and leave no row;
   * sent alone, each statement reports the abort (1213). One group in one INSERT needs no
   * transaction at all: an autocommit statement, certified as it commits.
   */
  async #commitStatements(connection: PoolConnection, plans: InsertPlan[]): Promise<number[]> {
    const inserts = plans.map((plan) => INSERT_HEAD + mysql.escape(plan.rows) + INSERT_TAIL);
    if (plans.length === 1 && plans[0]!.groups.length === 1) {
      const reply = (await this.#send(connection, inserts[0]!)) as ResultSetHeader;
      if (inTransaction(reply)) this.#lost(connection, 'an autocommit INSERT left a transaction open');
      return [reply.affectedRows];
    }
    const begun = (await this.#send(connection, 'START TRANSACTION')) as ResultSetHeader;
    if (!inTransaction(begun)) this.#lost(connection, 'START TRANSACTION did not open one');
    const affected: number[] = [];
    for (const [i, plan] of plans.entries()) {
      const reply = (await this.#send(connection, inserts[i]!)) as ResultSetHeader;
      if (!inTransaction(reply)) this.#lost(connection, 'an INSERT ran outside the transaction');
      const rows = reply.affectedRows;
      if (plan.groups.length > 1 && rows !== 0 && rows !== plan.rows.length) {
        await this.#rollback(connection);
        throw new MixedDuplicates();
      }
      affected.push(rows);
    }
    const committed = (await this.#send(connection, 'COMMIT')) as ResultSetHeader;
    if (inTransaction(committed)) this.#lost(connection, 'COMMIT left a transaction open');
    return affected;
  }

  /** A reply that contradicts the transaction we sent: nothing of it can be trusted, the batch is retried. */
  #lost(connection: PoolConnection, what: string): never {
    this.#drop(connection);
    throw new RetryableTransactionError(`MySQL at ${describeTarget(this.target)} lost the ingest transaction (${what}); it is sent again`);
  }

  /** Sends one query; on any failure rolls back what ran before the failing statement. */
  async #send(connection: PoolConnection, sql: string): Promise<ResultSetHeader | ResultSetHeader[]> {
    try {
      const [replies] = await connection.query({ sql, timeout: this.writeTimeoutMs });
      return replies as ResultSetHeader | ResultSetHeader[];
    } catch (error) {
      if ((error as { code?: unknown }).code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
        // A server (or network) that stopped answering. mysql2 gives up waiting but keeps the
        // connection busy with the unanswered script, so a ROLLBACK would wait behind it forever:
        // close it instead (the server rolls back an unfinished transaction of a closed connection;
        // a commit that did land is harmless, as re-sent reports are idempotent). The next write
        // connects afresh, so one stalled commit cannot stop every later one.
        this.#drop(connection);
        throw new UnavailableError(`MySQL at ${describeTarget(this.target)} did not answer a write within ${this.writeTimeoutMs} ms`, {
          hint: 'the server is overloaded or unreachable; agents re-send their reports',
          cause: error,
        });
      }
      // MySQL stops at the failing statement and leaves the transaction open (a deadlock has already
      // rolled it back; ROLLBACK is then a no-op).
      await this.#rollback(connection);
      if ((error as { errno?: unknown }).errno === GUARD_ERRNO) throw new MixedDuplicates();
      throw toStoreError(error, this.target);
    }
  }

  async #rollback(connection: PoolConnection): Promise<void> {
    try {
      await connection.query('ROLLBACK');
    } catch {
      // The connection is broken (likely why the statement failed): never use it again.
      this.#drop(connection);
    }
  }

  async #connect(): Promise<PoolConnection> {
    this.#pool ??= createMysqlPool(
      this.target,
      // mysql2 escapes quotes with backslashes: a server whose sql_mode has NO_BACKSLASH_ESCAPES would
      // read them differently, so this session never has it, whatever the server's default.
      { ...this.options, poolSize: 1, sessionSql: [...(this.options.sessionSql ?? []), NO_BACKSLASH_ESCAPES_OFF] },
      // No stack capture per query: errors become the store's own, with the driver's as `cause`.
      { multipleStatements: true, trace: false },
    );
    let connection: PoolConnection;
    try {
      connection = await this.#pool.getConnection();
    } catch (error) {
      throw toStoreError(error, this.target);
    }
    // A server restart or idle timeout closes it: the next write connects afresh. Only forget it
    // here: mysql2 closes it itself, and destroying it under a running script would leave that
    // script without an answer (it would never settle).
    const lost = (): void => {
      if (this.#connection === connection) this.#connection = null;
    };
    connection.on('error', lost);
    connection.on('end', lost);
    try {
      // Empty on MySQL and on MariaDB built without wsrep: those are not Galera.
      const [rows] = await connection.query<RowDataPacket[]>("SHOW VARIABLES LIKE 'wsrep_on'");
      this.#galera = this.alwaysStatements || String(rows[0]?.Value ?? '').toUpperCase() === 'ON';
    } catch (error) {
      this.#drop(connection);
      throw toStoreError(error, this.target);
    }
    this.#connection = connection;
    return connection;
  }

  /** Never uses `connection` again. Only when no command of ours is running on it. */
  #drop(connection: PoolConnection): void {
    if (this.#connection === connection) this.#connection = null;
    connection.destroy();
  }
}

/**
 * INSERT plans. `together`: consecutive groups share an INSERT up to MAX_ROWS_PER_INSERT rows (the
 * guard splits the count). Otherwise one group per INSERT: exact counts. A group bigger than one
 * statement is split on its own, its counts summed.
 */
function packGroups(groups: Group[], together: boolean): InsertPlan[] {
  const plans: InsertPlan[] = [];
  let open: InsertPlan | null = null;
  for (const group of groups) {
    if (open !== null && together && open.rows.length + group.rows.length <= MAX_ROWS_PER_INSERT) {
      open.groups.push(group);
      open.rows.push(...group.rows);
      continue;
    }
    if (group.rows.length > MAX_ROWS_PER_INSERT) {
      for (let start = 0; start < group.rows.length; start += MAX_ROWS_PER_INSERT) {
        plans.push({ groups: [group], rows: group.rows.slice(start, start + MAX_ROWS_PER_INSERT) });
      }
      open = null;
      continue;
    }
    open = { groups: [group], rows: [...group.rows] };
    plans.push(open);
  }
  // Rows of a shared INSERT in key order too.
  for (const plan of plans) if (plan.groups.length > 1) plan.rows.sort(byKey);
  return plans;
}
