// Opens the configured store. Each adapter is imported only when chosen: `monitor --help` and SQLite
// runs never load mysql2, and MySQL runs never load better-sqlite3.

import type { DatabaseConfig } from '../config/types.js';
import { parseDatabaseUrl } from './database-url.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** Used when database.url is empty. */
  defaultSqlitePath?: string;
  /**
   * 'auto' (default): SQLite applies pending migrations; MySQL creates the schema on first use and
   * throws SchemaVersionError when it is behind. 'never': no schema check (`monitor db migrate`).
   */
  migrate?: 'auto' | 'never';
  /** Relative SQLite paths resolve against this; default process.cwd(). */
  cwd?: string;
}

/**
 * `database.url` comes here already checked and made absolute by config loading (which names the
 * file and line of a bad one); what is left to fail is, e.g., an ssl-ca file that cannot be read.
 */
export async function openStore(database: DatabaseConfig, options: OpenStoreOptions = {}): Promise<Store> {
  const target = parseDatabaseUrl(database.url, { cwd: options.cwd ?? process.cwd(), defaultSqlitePath: options.defaultSqlitePath });
  const migrate = options.migrate ?? 'auto';
  if (target.kind === 'sqlite') {
    const { openSqliteStore } = await import('./sqlite/open.js');
    return openSqliteStore(target.path, { migrate });
  }
  const { openMysqlStore } = await import('./mysql/open.js');
  return openMysqlStore(target, { poolSize: database.poolSize, connectTimeoutMs: database.connectTimeoutMs, migrate });
}
