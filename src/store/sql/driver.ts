// The narrow interface between the shared SQL store (this folder) and one database driver
// (store/sqlite, store/mysql). Most queries are the same text on both dialects; the few that differ
// (upserts, bounded deletes, IN lists) come from the driver's SqlSyntax. Drivers turn their errors
// into the project's own (UnavailableError, DuplicateOpenAlertError, ConflictError,
// RetryableTransactionError) before they reach this folder.

import type { Dialect } from '../store.js';

export type SqlValue = string | number | null;

export interface RunResult {
  /** Rows inserted, deleted or changed. MySQL (flags -FOUND_ROWS) does not count rows written with identical values. */
  affectedRows: number;
  /** The AUTO_INCREMENT / rowid of the last inserted row. */
  insertId: number;
}

export interface SqlDriver {
  readonly dialect: Dialect;
  readonly syntax: SqlSyntax;
  /** Rows as objects keyed by column name. */
  all<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Rows as arrays in SELECT order: hot paths with many rows skip building an object per row. */
  arrays(sql: string, params?: readonly SqlValue[]): Promise<unknown[][]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  /** DDL and other statements that must not be cached as prepared statements. */
  exec(sql: string): Promise<void>;
  /**
   * Runs fn with a driver bound to one transaction: commits when fn resolves, rolls back when it
   * throws. `immediate` takes the write lock up front (SQLite); MySQL ignores it.
   */
  transaction<T>(fn: (tx: SqlDriver) => Promise<T>, immediate: boolean): Promise<T>;
  /** True on a transaction-bound driver once its transaction has committed or rolled back. */
  readonly finished: boolean;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The statements whose text differs between dialects. Table and column names are trusted constants. */
export interface SqlSyntax {
  /** Bind parameters per statement stay below this (SQLite's limit is 32766). */
  readonly maxParams: number;
  /** INSERT of `rowCount` rows that skips rows whose key already exists (counted as not affected). */
  insertIgnore(table: string, columns: readonly string[], rowCount: number, key: readonly string[]): string;
  /** INSERT of `rowCount` rows that overwrites `update` columns of rows whose key already exists. */
  upsert(table: string, columns: readonly string[], rowCount: number, key: readonly string[], update: readonly string[]): string;
  /** DELETE of at most `limit` rows matching `where`; the limit is the last parameter. */
  deleteBatch(table: string, where: string): string;
  /** `column IN (…)` for a list of integers, with its parameters. */
  inIntegers(column: string, values: readonly number[]): { sql: string; params: SqlValue[] };
  /**
   * Appended to a SELECT inside a transaction that must read the latest committed rows and keep them
   * from changing until it ends: ' FOR UPDATE' on MySQL (a plain SELECT there reads the
   * transaction's REPEATABLE READ snapshot and locks nothing); '' on SQLite, whose write
   * transaction (BEGIN IMMEDIATE) already excludes every other writer.
   */
  readonly lockRows: string;
  /** SELECT returning one row when the table exists; its only parameter is the table name. */
  readonly tableExists: string;
  /** CREATE TABLE IF NOT EXISTS schema_migrations. */
  readonly createMigrationsTable: string;
  /** Whether DDL can run inside a transaction (SQLite) or commits on its own (MySQL). */
  readonly transactionalDdl: boolean;
  /**
   * Whether a migration statement failed only because the change is already there: another
   * migrator racing on a fresh schema made it first. Needed where DDL has no IF [NOT] EXISTS
   * (MySQL's ADD/DROP INDEX); SQLite's migrations use IF [NOT] EXISTS and run in a transaction.
   */
  ddlAlreadyApplied(error: unknown): boolean;
  /**
   * Whether GROUP BY … MAX() over an index reads one entry per group (MySQL's loose index scan) or
   * every entry (SQLite, where one correlated lookup per host is the fast form instead).
   */
  readonly looseIndexScan: boolean;
  /**
   * Which bucket of `step` seconds after a start time a DATETIME column falls in (0, 1, …); the
   * expression takes two parameters, the start (as stored text) and the step in whole seconds.
   * Differences of two stored times only: no time zone is involved.
   */
  bucketIndex(column: string): string;
  /**
   * A condition true when stored time `to` is more than `?` milliseconds (one integer parameter)
   * after stored time `from`, exactly: a difference of exactly that many milliseconds is false.
   */
  longerThan(from: string, to: string): string;
  /** An aggregate joining each row's `parts` (concatenated) into one text, each row's line ending with GROUP_LINE_END. */
  groupLines(parts: readonly string[]): string;
  /** `table alias` read through the named index (MySQL's FORCE INDEX, SQLite's INDEXED BY). */
  throughIndex(table: string, alias: string, index: string): string;
}

/**
 * The end of each line of groupLines: the ASCII record separator, which JSON text (JSON.stringify
 * escapes every control character) and names never hold. An end, not a separator: a text cut short
 * (MySQL's group_concat_max_len) inside its last line lacks it, whatever else it holds.
 */
export const GROUP_LINE_END = '\u001e';

/** "(?, ?, ?), (?, ?, ?)" for a multi-row VALUES list. */
export function valuesList(columnCount: number, rowCount: number): string {
  const row = `(${new Array<string>(columnCount).fill('?').join(', ')})`;
  return new Array<string>(rowCount).fill(row).join(', ');
}

