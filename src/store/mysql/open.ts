// Entry point of the MySQL adapter, imported lazily by open-store so SQLite runs never load mysql2.

import mysql from 'mysql2/promise';
import { UnavailableError } from '../../errors.js';
import { mysqlLocation } from '../../database-target/parse-url.js';
import { loadMigrations, schemaBehindError, schemaStatus } from '../migrations.js';
import { createMysqlPool, MysqlDriver, type MysqlPoolOptions } from './connection.js';
import { describeTarget, type MysqlTarget, toStoreError } from './errors.js';
import { MysqlStore } from './mysql-store.js';
import { MysqlSampleWriter } from './sample-writer.js';
import { retryConflicts } from '../retry.js';

export interface OpenMysqlOptions extends MysqlPoolOptions {
  migrate: 'auto' | 'never';
}

/**
 * Connects (creating the database when it does not exist yet) and, with migrate 'auto', creates the
 * schema on first use. A schema that is behind is not upgraded behind the operator's back: on a
 * shared server that is `monitor db migrate`'s job, so this throws SchemaVersionError instead.
 */
export async function openMysqlStore(target: MysqlTarget, options: OpenMysqlOptions): Promise<MysqlStore> {
  const pool = createMysqlPool(target, options);
  const driver = new MysqlDriver(pool, target);
  // The writer's pool opens on its first write: commands that never ingest never connect it.
  const store = new MysqlStore(driver, mysqlLocation(target), new MysqlSampleWriter(target, options));
  try {
    await connect(pool, target, options);
    if (options.migrate === 'auto') {
      const migrations = await loadMigrations('mysql');
      const status = await schemaStatus(driver, migrations);
      if (status.applied.length === 0) await store.migrate();
      else if (status.pending.length > 0) throw schemaBehindError(status.applied, migrations, store.location);
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return store;
}

async function connect(pool: ReturnType<typeof createMysqlPool>, target: MysqlTarget, options: MysqlPoolOptions): Promise<void> {
  try {
    await pool.query('SELECT 1');
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ER_BAD_DB_ERROR') throw toStoreError(error, target);
  }
  // 1049 unknown database: create it, so `MONITOR_DATABASE_URL=mysql://…/newdb monitor hosts add x` just works.
  await createDatabase(target, options);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    throw toStoreError(error, target);
  }
}

async function createDatabase(target: MysqlTarget, options: MysqlPoolOptions): Promise<void> {
  const server = createMysqlPool(target, { ...options, poolSize: 1, sessionSql: [] }, { withDatabase: false });
  try {
    // Two `db migrate` on two Galera nodes at once: the other's CREATE may interrupt ours (1317); again is harmless.
    await retryConflicts(
      () =>
        server
          .query(`CREATE DATABASE IF NOT EXISTS ${mysql.escapeId(target.database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`)
          .catch((error: unknown) => {
            throw toStoreError(error, target);
          }),
      20,
      { withinMs: 10_000 },
    );
  } catch (error) {
    const mapped = error instanceof UnavailableError ? error : toStoreError(error, target);
    if (mapped instanceof UnavailableError) throw mapped;
    throw new UnavailableError(
      `database '${target.database}' does not exist on MySQL at ${describeTarget(target)} and could not be created`,
      {
        hint: `create it (CREATE DATABASE ${target.database}), or check database.url / MONITOR_DATABASE_URL`,
        cause: error,
      },
    );
  } finally {
    await server.end().catch(() => undefined);
  }
}
