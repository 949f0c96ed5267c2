// Opens the configured store. Each adapter is imported only when chosen: `monitor --help` and SQLite
// runs never load mysql2, and MySQL runs never load better-sqlite3.

import type { DatabaseConfig } from '../config/types.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /**
   * 'auto' (default): SQLite applies pending migrations; MySQL creates the schema on first use and
   * throws SchemaVersionError when it is behind. 'never': no schema check (`monitor db migrate`).
   */
  migrate?: 'auto' | 'never';
}

/**
 * The target comes typed from config loading (src/database-target parses database.url once, and
 * names the file and line of a bad one): the store never parses a URL.
 */
export async function openStore(database: DatabaseConfig, options: OpenStoreOptions = {}): Promise<Store> {
  const { target } = database;
  const migrate = options.migrate ?? 'auto';
  if (target.kind === 'sqlite') {
    const { openSqliteStore } = await import('./sqlite/open.js');
    return openSqliteStore(target.path, { migrate });
  }
  const { openMysqlStore } = await import('./mysql/open.js');
  return openMysqlStore(target, { poolSize: database.poolSize, connectTimeoutMs: database.connectTimeoutMs, migrate });
}
