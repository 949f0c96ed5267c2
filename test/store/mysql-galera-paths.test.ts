// What the Galera work changed in the MySQL adapter, shown on the plain MariaDB every test run has:
// the ingest writer's one-statement-per-round-trip path (used where wsrep_on) keeps exact per-group
// counts and all-or-nothing batches; and a statement outside a transaction that the server rolled
// back (here a lock wait timeout, 1205; on Galera a certification failure, 1213) is sent again
// instead of failing `check`'s lease or an outbox claim or mark: the driver's retry is the only one
// around them (src/alerts/check-lease.ts and src/notify/outbox.ts have none of their own).

import mysql from 'mysql2/promise';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { takeCheckLease } from '../../src/alerts/check-lease.js';
import { parseDatabaseUrl } from '../../src/database-target/parse-url.js';
import { deliverPending } from '../../src/notify/outbox.js';
import type { NotificationPayload } from '../../src/notify/types.js';
import type { MysqlTarget } from '../../src/store/mysql/errors.js';
import { openMysqlStore } from '../../src/store/mysql/open.js';
import type { MysqlStore } from '../../src/store/mysql/mysql-store.js';
import { MysqlSampleWriter } from '../../src/store/mysql/sample-writer.js';
import { memoryLog } from '../support/memory-log.js';
import { describeMysql } from '../support/mysql.js';
import { samplePayload } from '../notify/fixtures/payload.js';
import { addHost, at, rejection, sample } from './contract/helpers.js';

describeMysql('MySQL adapter paths for Galera, on a plain server', (db) => {
  let store: MysqlStore;
  let target: MysqlTarget;
  let raw: mysql.Connection;
  let web: number;
  let dbHost: number;

  const rows = async (): Promise<number> => {
    const [result] = await raw.query('SELECT COUNT(*) AS n FROM incoming_data');
    return Number((result as { n: number }[])[0]!.n);
  };

  beforeEach(async () => {
    const { url } = await db.fresh('paths');
    const parsed = parseDatabaseUrl(url, { baseDir: process.cwd(), homedir: process.cwd() });
    if ('error' in parsed || parsed.kind !== 'mysql') throw new Error('not a MySQL url');
    target = parsed;
    // A short lock wait, so the test below waits one second, not fifty.
    store = await openMysqlStore(target, {
      poolSize: 2,
      connectTimeoutMs: 2000,
      migrate: 'auto',
      sessionSql: ['SET SESSION innodb_lock_wait_timeout = 1'],
    });
    raw = await mysql.createConnection({ uri: url, dateStrings: true });
    web = (await addHost(store, 'web-01')).hostId;
    dbHost = (await addHost(store, 'db-01')).hostId;
  });
  afterEach(async () => {
    await store.close();
    await raw.end();
  });

  it('one statement per round trip (the Galera path): exact counts per group, re-sends attributed, a big group split, nothing half-written', async () => {
    const writer = new MysqlSampleWriter(target, { poolSize: 1, connectTimeoutMs: 2000 }, 30_000, true);
    try {
      // One group in one INSERT: a single autocommit statement.
      expect(await writer.write([[sample(web, at(0))]])).toEqual([{ inserted: 1, duplicates: 0 }]);
      // Several groups, one of them re-sent: rolled back before COMMIT and written per group.
      expect(await writer.write([[sample(web, at(0)), sample(web, at(60))], [sample(dbHost, at(0))], [sample(web, at(60))]])).toEqual([
        { inserted: 1, duplicates: 1 },
        { inserted: 1, duplicates: 0 },
        { inserted: 0, duplicates: 1 },
      ]);
      const big = Array.from({ length: 2500 }, (_, i) => sample(dbHost, at(100 + i)));
      expect(await writer.write([big, [sample(web, at(1))]])).toEqual([
        { inserted: 2500, duplicates: 0 },
        { inserted: 1, duplicates: 0 },
      ]);
      expect(await rows()).toBe(2504);
      // A failing statement after 1000 good rows: the transaction is rolled back, not half-committed.
      const first = Array.from({ length: 1000 }, (_, i) => sample(web, at(5000 + i)));
      const error = await rejection(writer.write([first, [sample(dbHost, at(0), { datasetName: 'orders', filesCount: 2 ** 40 })]]));
      expect(error.message).toMatch(/files_count/);
      expect(await rows()).toBe(2504);
    } finally {
      await writer.close();
    }
  });

  it("retries a statement outside a transaction that the server rolled back: check's lease goes through once the lock is free", async () => {
    expect(await store.acquireLease('check', 'first', at(0), 1000)).toBe(true);
    // Another session holds the lease row's lock for 1.5 s (a lock wait times out after 1 s).
    await raw.query('START TRANSACTION');
    await raw.query("SELECT * FROM leases WHERE lease_name = 'check' FOR UPDATE");
    const release = setTimeout(() => void raw.query('ROLLBACK'), 1500);
    try {
      const started = Date.now();
      expect(await store.acquireLease('check', 'second', at(10), 1000)).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    } finally {
      clearTimeout(release);
    }
  });

  /** Another session holds `table`'s row `where` locked for 1.5 s: a lock wait times out after 1 s. */
  const lockFor1500ms = async (table: string, where: string): Promise<() => void> => {
    await raw.query('START TRANSACTION');
    await raw.query(`SELECT * FROM ${table} WHERE ${where} FOR UPDATE`);
    const release = setTimeout(() => void raw.query('ROLLBACK'), 1500);
    return () => clearTimeout(release);
  };

  it("takeCheckLease gets the lease through a lock wait timeout, with the driver's retry alone", async () => {
    expect(await store.acquireLease('check', 'first', at(0), 1000)).toBe(true);
    const stop = await lockFor1500ms('leases', "lease_name = 'check'");
    try {
      const started = Date.now();
      const taken = await takeCheckLease({
        store,
        ttlMs: 60_000,
        clock: () => at(10),
        log: memoryLog(),
        holder: { host: 'box-a', pid: 1 },
        owner: 'box-a:1:second',
        isAlive: () => true,
      });
      expect(taken.kind).toBe('held');
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      if (taken.kind === 'held') await taken.lease.release();
    } finally {
      stop();
    }
  });

  it("deliverPending claims and marks an outbox row through a lock wait timeout, with the driver's retry alone", async () => {
    const payload = samplePayload();
    await store.enqueueNotifications([
      { alertId: null, channel: 'webhook:0', event: payload.event, payload: { ...payload }, createdAt: at(0) },
    ]);
    const sent: NotificationPayload[] = [];
    const stop = await lockFor1500ms('notifications', "channel = 'webhook:0'");
    try {
      const started = Date.now();
      const result = await deliverPending({
        store,
        notifiers: [{ channel: 'webhook:0', send: (each) => Promise.resolve(void sent.push(each)) }],
        now: () => at(10),
        maxAttempts: 5,
        log: memoryLog(),
      });
      expect(result).toEqual({ delivered: 1, failed: 0, deferred: 0 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(sent).toHaveLength(1);
      expect(await store.pendingNotifications(['webhook:0'], 5, 10)).toEqual([]);
    } finally {
      stop();
    }
  });
});
