// The databases the collect tests write to and read back: a real SQLite file or a throwaway MariaDB
// database (test/support/mysql.ts; null when MariaDB is unreachable and not required, so the test
// skips loudly). Rows are read with plain SQL on a separate connection, the way users query them,
// and `serveOn` runs the real ingest server (startServer) on the database with a registered host.

import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { generateHostKey, hashHostKey } from '../../../src/hosts/host-key.js';
import { startServer } from '../../../src/server/app.js';
import { openStore } from '../../../src/store/open-store.js';
import type { Store } from '../../../src/store/store.js';
import { mysqlTestDatabase } from '../../support/mysql.js';
import { silentLog } from '../../support/quiet.js';
import { databaseConfig } from '../../support/database-config.js';

export { silentLog };

export type DatabaseKind = 'sqlite' | 'mariadb';
export const DATABASE_KINDS: readonly DatabaseKind[] = ['sqlite', 'mariadb'];

/** One incoming_data row with its host name; times as stored ('YYYY-MM-DD HH:MM:SS.mmm' UTC). */
export interface SampleRow {
  host_name: string;
  collected_at: string;
  received_at: string;
  cpu_pct: number | null;
  mem_pct: number | null;
  disk_pct: number | null;
  load_1: number | null;
  dataset_name: string;
  partition_key: string | null;
  files_count: number | null;
  first_event_at: string | null;
  last_event_at: string | null;
}

export interface TestDatabase {
  kind: DatabaseKind;
  /** For database.url / MONITOR_DATABASE_URL. */
  url: string;
  /** Every incoming_data row, oldest collected_at first; [] before the schema exists. */
  rows(): Promise<SampleRow[]>;
  drop(): Promise<void>;
}

const ROWS_SQL = `
  SELECT h.host_name, d.collected_at, d.received_at, d.cpu_pct, d.mem_pct, d.disk_pct, d.load_1,
         d.dataset_name, d.partition_key, d.files_count, d.first_event_at, d.last_event_at
  FROM incoming_data d JOIN hosts h ON h.host_id = d.host_id
  ORDER BY d.collected_at, d.dataset_name`;

export async function createTestDatabase(kind: DatabaseKind, label: string): Promise<TestDatabase | null> {
  return kind === 'sqlite' ? sqliteDatabase() : mariadbDatabase(label);
}

async function sqliteDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'monitor-collect-db-'));
  return { ...sqliteDatabaseAt(join(dir, 'monitor.db')), drop: () => rm(dir, { recursive: true, force: true }) };
}

/** The SQLite file at `file`, created or not yet; drop() leaves it (its directory belongs to the caller). */
export function sqliteDatabaseAt(file: string): TestDatabase {
  return {
    kind: 'sqlite',
    url: `sqlite:${file}`,
    rows() {
      let db: Database.Database;
      try {
        db = new Database(file, { readonly: true, fileMustExist: true });
      } catch {
        return Promise.resolve([]); // nothing has created the database yet
      }
      try {
        const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'incoming_data'").get();
        return Promise.resolve(hasTable ? (db.prepare(ROWS_SQL).all() as SampleRow[]) : []);
      } finally {
        db.close();
      }
    },
    drop: () => Promise.resolve(),
  };
}

async function mariadbDatabase(label: string): Promise<TestDatabase | null> {
  const database = await mysqlTestDatabase(label);
  if (!database) return null;
  return {
    kind: 'mariadb',
    url: database.url,
    async rows() {
      const connection = await mysql.createConnection({ uri: database.url, dateStrings: true });
      try {
        const [rows] = await connection.query(ROWS_SQL);
        return rows as SampleRow[];
      } catch (error) {
        if ((error as { code?: string }).code === 'ER_NO_SUCH_TABLE') return [];
        throw error;
      } finally {
        await connection.end();
      }
    },
    drop: () => database.drop(),
  };
}

export interface ServeFixture {
  /** http://127.0.0.1:PORT of the running ingest server. */
  url: string;
  hostName: string;
  /** The registered host's key (only its hash is in the database). */
  hostKey: string;
  store: Store;
  close(): Promise<void>;
}

/** `monitor serve`'s server on a real socket over `db`, with `hostName` registered. */
export async function serveOn(db: TestDatabase, hostName: string): Promise<ServeFixture> {
  const store = await openStore(databaseConfig(db.url, { poolSize: 4, connectTimeoutMs: 2_000 }));
  const hostKey = generateHostKey();
  await store.addHost({ hostName, keyHash: hashHostKey(hostKey), description: null, createdAt: new Date() });
  const server = await startServer({
    store,
    log: silentLog,
    config: {
      listen: { host: '127.0.0.1', port: 0 },
      url: null,
      maxBodyBytes: 1024 * 1024,
      requestTimeoutMs: 10_000,
      tls: null,
      metricsToken: null,
      metricsListen: null,
    },
  });
  return {
    url: server.url,
    hostName,
    hostKey,
    store,
    async close() {
      await server.close();
      await store.close();
    },
  };
}
