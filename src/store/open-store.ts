// Opens the configured store. Each adapter is imported only when chosen: `monitor --help` and SQLite
// runs never load mysql2, and MySQL runs never load better-sqlite3.

import type { DatabaseTarget } from '../database-target/types.js';
import { ConfigError } from '../errors.js';
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
    const { openSqliteStore } = await import('./sqlite/open.js').catch(sqliteDriverMissing);
    return openSqliteStore(target.path, { migrate });
  }
  const { openMysqlStore } = await import('./mysql/open.js');
  return openMysqlStore(target, { poolSize: database.poolSize, connectTimeoutMs: database.connectTimeoutMs, migrate });
}

/**
 * better-sqlite3 is an optional dependency (it compiles on install; a MySQL-only box skips it). When
 * SQLite is asked for without it, say what to do instead of a module-resolution stack.
 */
function sqliteDriverMissing(error: unknown): never {
  const missing = (error as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND' && /better-sqlite3/.test((error as Error).message);
  if (!missing) throw error;
  throw new ConfigError(
    [
      {
        key: 'database.url',
        message:
          'SQLite needs the better-sqlite3 package, which is not installed (it is optional: npm skips it when it cannot compile, or with --omit=optional)',
        file: null,
        line: null,
      },
    ],
    {
      hint: 'install it beside monitor (`npm install better-sqlite3`, needs a C++ toolchain), or set database.url to a mysql:// URL',
      cause: error,
    },
  );
}
