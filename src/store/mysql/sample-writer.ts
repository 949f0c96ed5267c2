// The ingest path's commit in ONE round trip: START TRANSACTION, the INSERTs, the last_seen UPDATE
// and COMMIT reach the server as one multi-statement query. Every round trip costs a wake-up on both
// sides and, in a busy `serve`, a wait behind HTTP work in the event loop before the reply is read;
// the generic transaction path's four per commit were most of the commit time.
//
// Multi-statement queries are enabled ONLY on this writer's own pool, which runs nothing but the
// statements built here from the shared SQL in store/sql/insert-samples.ts, every value escaped by
// mysql2 (client-side parameters, as everywhere in this adapter).
//
// Per-group counts: the batch writer answers each HTTP request with its own inserted/duplicates.
// One INSERT for all groups reports only a total; when that is 0 or every row, each group's share is
// plain, and that is the usual case. Otherwise (some re-sent reports were already stored, and the
// total does not say whose) a guard statement right after the INSERT fails, MySQL stops there, so the
// COMMIT never runs: the writer rolls back and sends the batch again with one INSERT per group,
// whose counts are exact. Only re-sends mixed with new reports pay that second trip.

import mysql, { type Pool, type PoolConnection, type ResultSetHeader } from 'mysql2/promise';
import type { InsertResult, NewSample } from '../types.js';
import { byKey, MAX_ROWS_PER_INSERT, SAMPLE_COLUMNS, type SampleParams, toParams, touchHostsStatements } from '../sql/insert-samples.js';
import { createMysqlPool, type MysqlPoolOptions } from './connection.js';
import { UnavailableError } from '../../errors.js';
import { Mutex } from '../mutex.js';
import { describeTarget, type MysqlTarget, toStoreError } from './errors.js';
import { mysqlSyntax } from './syntax.js';

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

const DEFAULT_WRITE_TIMEOUT_MS = 30_000;

export class MysqlSampleWriter {
  #pool: Pool | null = null;
  /**
   * Kept between writes: taking a free connection from a mysql2 pool waits for a process.nextTick,
   * which runs only after every pending promise callback, i.e. after the previous batch's HTTP
   * responses have all been written. A held connection sends the next commit at once.
   */
  #connection: PoolConnection | null = null;
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
    const allRows = writing.flatMap((group) => group.rows);
    // Groups in key order, so concurrent writers (several serve processes) lock rows in one order.
    const inKeyOrder = [...writing].sort((a, b) => byKey(a.rows[0]!, b.rows[0]!));
    try {
      await this.#commit(packGroups(inKeyOrder, true), allRows, results);
    } catch (error) {
      if (!(error instanceof MixedDuplicates)) throw error;
      // In the callers' order: a sample repeated by two groups is a duplicate of the later one.
      await this.#commit(packGroups(writing, false), allRows, results);
    }
    for (const [i, samples] of groups.entries()) results[i]!.duplicates = samples.length - results[i]!.inserted;
    return results;
  }

  async #commit(plans: InsertPlan[], allRows: SampleParams[], results: InsertResult[]): Promise<void> {
    const script = ['START TRANSACTION'];
    const insertAt: number[] = [];
    for (const plan of plans) {
      insertAt.push(script.length);
      // escape() of an array of arrays is "(v, v, …), (v, v, …)": one pass over the values, no placeholder scan.
      script.push(INSERT_HEAD + mysql.escape(plan.rows) + INSERT_TAIL);
      if (plan.groups.length > 1) script.push(guard(plan.rows.length));
    }
    for (const statement of touchHostsStatements(mysqlSyntax, allRows)) script.push(mysql.format(statement.sql, statement.params));
    script.push('COMMIT');

    const replies = await this.#run(script.join(';\n'));
    for (const [i, plan] of plans.entries()) {
      const affected = replies[insertAt[i]!]!.affectedRows;
      if (plan.groups.length === 1) {
        results[plan.groups[0]!.index]!.inserted += affected;
      } else if (affected === plan.rows.length) {
        // The guard let it through, so it is all or nothing.
        for (const group of plan.groups) results[group.index]!.inserted += group.rows.length;
      }
    }
  }

  /** Sends the script; on any failure rolls back what ran before the failing statement. */
  async #run(sql: string): Promise<ResultSetHeader[]> {
    const connection = this.#connection ?? (await this.#connect());
    try {
      const [replies] = await connection.query({ sql, timeout: this.writeTimeoutMs });
      return replies as ResultSetHeader[];
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
      try {
        await connection.query('ROLLBACK');
      } catch {
        // The connection is broken (likely why the script failed): never use it again.
        this.#drop(connection);
      }
      if ((error as { errno?: unknown }).errno === GUARD_ERRNO) throw new MixedDuplicates();
      throw toStoreError(error, this.target);
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
