// The store contract: one suite, run against real SQLite (sqlite.test.ts) and real MariaDB/MySQL
// (mysql.test.ts). Every Store method, transactions, and what the database itself enforces (checked
// with raw SQL on a second connection, not only through the store).

import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { alertTests } from './contract/alerts.js';
import { catalogueTests } from './contract/catalogue.js';
import type { ContractContext, StoreFixture } from './contract/helpers.js';
import { hostTests } from './contract/hosts.js';
import { sampleTests } from './contract/samples.js';
import { schemaTests } from './contract/schema.js';
import { stateTests } from './contract/state.js';
import { transactionTests } from './contract/transactions.js';

export type { RawSql, StoreFixture } from './contract/helpers.js';

/** Tables emptied between tests; alert_types keeps its seeded catalogue. */
const DATA_TABLES = ['incoming_data', 'alerts', 'host_alert_checks', 'check_state', 'leases', 'notifications', 'settings', 'hosts'];
const SEEDED_KEYS = "('cpu_usage', 'memory_usage', 'disk_space', 'host_silent', 'dataset_freshness', 'files_count')";

/**
 * Registers the suite. `makeStore` opens a store on a NEW empty database (file or schema) each call,
 * with the given migration policy, plus a raw connection to the same database.
 */
export function storeContract(name: string, makeStore: (options: { migrate: 'auto' | 'never' }) => Promise<StoreFixture>): void {
  describe(`store contract: ${name}`, () => {
    let fixture: StoreFixture | null = null;
    const extra: StoreFixture[] = [];
    const context: ContractContext = {
      get store(): Store {
        return context.fixture.store;
      },
      get raw() {
        return context.fixture.raw;
      },
      get fixture(): StoreFixture {
        if (!fixture) throw new Error('the store exists only inside tests');
        return fixture;
      },
      async freshFixture(options) {
        const made = await makeStore(options);
        extra.push(made);
        return made;
      },
    };

    beforeAll(async () => {
      fixture = await makeStore({ migrate: 'auto' });
    });
    afterAll(async () => {
      for (const made of extra) await made.close();
      await fixture?.close();
    });
    beforeEach(async () => {
      for (const table of DATA_TABLES) await context.raw.exec(`DELETE FROM ${table}`);
      await context.raw.exec(`DELETE FROM alert_types WHERE check_key NOT IN ${SEEDED_KEYS}`);
    });

    describe('schema and migrations', () => schemaTests(context));
    describe('hosts', () => hostTests(context));
    describe('samples', () => sampleTests(context));
    describe('check types and host checks', () => catalogueTests(context));
    describe('alerts', () => alertTests(context));
    describe('check state, leases and outbox', () => stateTests(context));
    describe('transactions', () => transactionTests(context));
  });
}
