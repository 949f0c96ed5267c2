// Opens the configured store. Each adapter is imported only when chosen: `monitor --help` and SQLite
// runs never load mysql2, and MySQL runs never load better-sqlite3.

import type { DatabaseTarget } from '../database-target/types.js';
import { rethrowSqliteDriverError } from './sqlite-driver.js';
import type { Store } from './store.js';

/**
 * What opening a store needs: config's DatabaseConfig has this shape, declared here so the store
 * does not import src/config (config imports the store's types, never the other way).
 */
export interface StoreLocation {
  target: DatabaseTarget;
  poolSize: number;
  connectTimeoutMs: number;
}

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
export async function openStore(database: StoreLocation, options: OpenStoreOptions = {}): Promise<Store> {
  const { target } = database;
  const migrate = options.migrate ?? 'auto';
  if (target.kind === 'sqlite') {
    const { openSqliteStore } = await import('./sqlite/open.js').catch(rethrowSqliteDriverError);
    // A driver that is installed but not built for this Node fails only when it opens the file.
    return openSqliteStore(target.path, { migrate }).catch(rethrowSqliteDriverError);
  }
  const { openMysqlStore } = await import('./mysql/open.js');
  return openMysqlStore(target, { poolSize: database.poolSize, connectTimeoutMs: database.connectTimeoutMs, migrate });
}
