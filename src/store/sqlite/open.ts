// Entry point of the SQLite adapter, imported lazily by open-store so mysql2 is never loaded for it.

import { applyMigrations, loadMigrations, schemaStatus } from '../migrations.js';
import { SqlStore } from '../sql/sql-store.js';
import { openSqliteDriver } from './connection.js';

/**
 * Opens the file (creating it and its directory). With migrate 'auto', pending migrations are
 * applied in an immediate transaction: two processes opening a fresh file at once take turns and the
 * second finds nothing to do. The common case (up to date) costs one read and no write lock.
 */
export async function openSqliteStore(path: string, options: { migrate: 'auto' | 'never' }): Promise<SqlStore> {
  const driver = openSqliteDriver(path);
  const store = new SqlStore(driver, path);
  if (options.migrate === 'never') return store;
  try {
    const migrations = await loadMigrations('sqlite');
    const status = await schemaStatus(driver, migrations);
    if (status.pending.length > 0) {
      await driver.transaction((tx) => applyMigrations(tx, migrations, new Date()), true);
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
