import { GROUP_LINE_END, type SqlSyntax, valuesList } from '../sql/driver.js';

export const mysqlSyntax: SqlSyntax = {
  // Placeholders are filled in client-side; this only bounds the statement's size.
  maxParams: 60_000,
  // Not INSERT IGNORE, which also downgrades real errors (bad values) to warnings. The no-op update
  // with flags -FOUND_ROWS counts an existing row as 0 affected, so affectedRows = rows inserted.
  insertIgnore: (table, columns, rowCount, key) =>
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${valuesList(columns.length, rowCount)} ON DUPLICATE KEY UPDATE ${key[0]} = ${key[0]}`,
  // VALUES(col) rather than the 8.0.19 row alias: MariaDB and TiDB only know VALUES().
  upsert: (table, columns, rowCount, _key, update) =>
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${valuesList(columns.length, rowCount)} ` +
    `ON DUPLICATE KEY UPDATE ${update.map((column) => `${column} = VALUES(${column})`).join(', ')}`,
  deleteBatch: (table, where) => `DELETE FROM ${table} WHERE ${where} LIMIT ?`,
  inIntegers: (column, values) => ({ sql: `${column} IN (${new Array<string>(values.length).fill('?').join(', ')})`, params: [...values] }),
  lockRows: ' FOR UPDATE',
  tableExists: 'SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?',
  createMigrationsTable:
    'CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR(32) NOT NULL, applied_at DATETIME(3) NOT NULL, PRIMARY KEY (version)) ' +
    'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
  looseIndexScan: true,
  // Integer arithmetic (DIV): a decimal division per row costs several times more.
  bucketIndex: (column) => `TIMESTAMPDIFF(SECOND, CAST(? AS DATETIME(3)), ${column}) DIV ?`,
  // Whole microseconds between two DATETIME(3) values: integer arithmetic, exact.
  longerThan: (from, to) => `TIMESTAMPDIFF(MICROSECOND, ${from}, ${to}) > ? * 1000`,
  // The raw character itself in the literal: '\\x1e'-style escapes depend on sql_mode (NO_BACKSLASH_ESCAPES).
  groupLines: (parts) => `GROUP_CONCAT(${parts.join(', ')}, '${GROUP_LINE_END}' SEPARATOR '')`,
  throughIndex: (table, alias, index) => `${table} ${alias} FORCE INDEX (${index})`,
  transactionalDdl: false,
  // 1060 duplicate column name (ADD COLUMN done), 1061 duplicate key name (ADD KEY done), 1091
  // can't drop a key that is not there (DROP KEY done).
  ddlAlreadyApplied: (error) => {
    const errno = (error as { errno?: unknown } | null)?.errno;
    return errno === 1060 || errno === 1061 || errno === 1091;
  },
};
