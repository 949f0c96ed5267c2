// A fresh embedded database per test file: a real SQLite file in a temp dir, opened (and migrated)
// the way `monitor serve` opens it, with rows counted by plain SQL on a second connection.

import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open-store.js';
import type { IngestFixture } from './ingest-scenario.js';
import { databaseConfig } from '../support/database-config.js';

export async function sqliteFixture(): Promise<IngestFixture & { file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'monitor-server-test-'));
  const file = join(dir, 'monitor.db');
  const store = await openStore(databaseConfig(`sqlite:${file}`, { poolSize: 1 }));
  return {
    file,
    store,
    countRows(hostName) {
      const db = new Database(file, { readonly: true });
      try {
        const row = hostName
          ? db
              .prepare('SELECT COUNT(*) AS n FROM incoming_data d JOIN hosts h ON h.host_id = d.host_id WHERE h.host_name = ?')
              .get(hostName)
          : db.prepare('SELECT COUNT(*) AS n FROM incoming_data').get();
        return Promise.resolve(Number((row as { n: number }).n));
      } finally {
        db.close();
      }
    },
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
