import { GROUP_LINE_END, type SqlSyntax, valuesList } from '../sql/driver.js';

export const sqliteSyntax: SqlSyntax = {
  // SQLITE_MAX_VARIABLE_NUMBER is 32766 since 3.32; stay clear of it.
  maxParams: 30_000,
  insertIgnore: (table, columns, rowCount, key) =>
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${valuesList(columns.length, rowCount)} ON CONFLICT (${key.join(', ')}) DO NOTHING`,
  upsert: (table, columns, rowCount, key, update) =>
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${valuesList(columns.length, rowCount)} ` +
    `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${update.map((column) => `${column} = excluded.${column}`).join(', ')}`,
  // SQLite has no DELETE … LIMIT unless compiled with it; a rowid subquery bounds the batch instead.
  deleteBatch: (table, where) => `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} LIMIT ?)`,
  // One parameter whatever the count: the statement text stays the same, so it stays prepared.
  inIntegers: (column, values) => ({ sql: `${column} IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(values)] }),
  lockRows: '',
  tableExists: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
  createMigrationsTable: 'CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL)',
  looseIndexScan: false,
  // julianday() is a float of days: the half-millisecond keeps a sample on a bucket's edge inside it.
  bucketIndex: (column) => `CAST(((julianday(${column}) - julianday(?)) * 86400.0 + 0.0005) / ? AS INTEGER)`,
  // julianday() is a float of days, exact to well under a millisecond at these dates: times are
  // whole milliseconds, so "more than N ms" is "more than N + 0.5 ms" with room either side.
  longerThan: (from, to) => `(julianday(${to}) - julianday(${from})) * 86400000.0 > ? + 0.5`,
  groupLines: (parts) => `group_concat(${parts.join(' || ')} || char(${GROUP_LINE_END.charCodeAt(0)}), '')`,
  throughIndex: (table, alias, index) => `${table} AS ${alias} INDEXED BY ${index}`,
  transactionalDdl: true,
  ddlAlreadyApplied: () => false,
};
