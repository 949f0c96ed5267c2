// A throwaway MariaDB/MySQL database per test file (test/support/mysql.ts), opened the way `monitor
// serve` opens it, with rows counted by plain SQL on a separate connection. Null when the server is
// unreachable and not required (the suite is then skipped, loudly).

import mysql from 'mysql2/promise';
import { openStore } from '../../src/store/open-store.js';
import { mysqlTestDatabase, type MysqlTestDatabase } from '../support/mysql.js';
import type { IngestFixture } from './ingest-scenario.js';
import { databaseConfig } from '../support/database-config.js';

export interface MysqlFixture extends IngestFixture {
  database: MysqlTestDatabase;
  /** Plain SQL on the test database, outside the store. */
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

export async function mysqlFixture(label: string, storeUrl?: (databaseUrl: string) => string): Promise<MysqlFixture | null> {
  const database = await mysqlTestDatabase(label);
  if (!database) return null;
  // Create the schema directly; the store under test may go through a proxy.
  const setup = await openStore(databaseConfig(database.url, { poolSize: 1, connectTimeoutMs: 2_000 }));
  await setup.close();
  const store = await openStore(databaseConfig(storeUrl ? storeUrl(database.url) : database.url, { poolSize: 4, connectTimeoutMs: 2_000 }));
  const sql = await mysql.createConnection(database.url);
  const query = async <T>(text: string, params: unknown[] = []): Promise<T[]> => (await sql.query(text, params))[0] as T[];
  return {
    database,
    store,
    query,
    async countRows(hostName) {
      const [row] = hostName
        ? await query<{ n: number }>(
            'SELECT COUNT(*) AS n FROM incoming_data d JOIN hosts h ON h.host_id = d.host_id WHERE h.host_name = ?',
            [hostName],
          )
        : await query<{ n: number }>('SELECT COUNT(*) AS n FROM incoming_data');
      return Number(row!.n);
    },
    async cleanup() {
      await store.close().catch(() => undefined);
      await sql.end();
      await database.drop();
    },
  };
}
