// The MySQL store: the shared SqlStore, plus the ingest path's commit in one round trip
// (sample-writer.ts) on a small pool of its own.

import type { InsertResult, NewSample } from '../types.js';
import { SqlStore } from '../sql/sql-store.js';
import type { MysqlDriver } from './connection.js';
import type { MysqlSampleWriter } from './sample-writer.js';

export class MysqlStore extends SqlStore {
  readonly #writer: MysqlSampleWriter;

  constructor(driver: MysqlDriver, location: string, writer: MysqlSampleWriter) {
    super(driver, location);
    this.#writer = writer;
  }

  override insertSampleGroups(groups: NewSample[][]): Promise<InsertResult[]> {
    return this.#writer.write(groups);
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      await this.#writer.close();
    }
  }
}
