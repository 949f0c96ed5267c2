import mysql from 'mysql2/promise';
import { expect, it } from 'vitest';
import { RetryableTransactionError, UnavailableError } from '../../src/errors.js';
import { SchemaVersionError } from '../../src/store/migrations.js';
import { openMysqlStore } from '../../src/store/mysql/open.js';
import { openStore } from '../../src/store/open-store.js';
import { mysqlRows } from '../support/raw-sql.js';
import { withTransactionRetry } from '../../src/store/retry.js';
import { SqlStore } from '../../src/store/sql/sql-store.js';
import type { Store } from '../../src/store/store.js';
import { describeMysql, type MysqlSuiteDatabase } from '../support/mysql.js';
import { storeContract, type StoreFixture } from './contract.js';
import { T0, at, keyHash } from './contract/helpers.js';
import { databaseConfig } from '../support/database-config.js';

// The store under test runs with a session time zone far from UTC: DATETIME values must not shift.
const SESSION_SQL = ["SET time_zone = '+05:00'"];

async function openTestStore(url: string, migrate: 'auto' | 'never'): Promise<SqlStore> {
  const { target } = databaseConfig(url);
  if (target.kind !== 'mysql') throw new Error('not a MySQL url');
  return openMysqlStore(target, { poolSize: 4, connectTimeoutMs: 2000, migrate, sessionSql: SESSION_SQL });
}

async function mysqlFixture(db: MysqlSuiteDatabase, options: { migrate: 'auto' | 'never' }): Promise<StoreFixture> {
  const { url } = await db.fresh('contract');
  const store = await openTestStore(url, options.migrate);
  const raw = await mysql.createConnection({ uri: url, dateStrings: true });
  const others: Store[] = [];
  return {
    store,
    raw: {
      async query(sql, params = []) {
        const [rows] = await raw.query(sql, params);
        return rows as Record<string, unknown>[];
      },
      async exec(sql, params = []) {
        await raw.query(sql, params);
      },
    },
    async openAnother() {
      const other = await openTestStore(url, 'auto');
      others.push(other);
      return other;
    },
    async close() {
      for (const other of others) await other.close();
      await store.close();
      await raw.end();
    },
  };
}

const database = (url: string, connectTimeoutMs = 2000) => databaseConfig(url, { connectTimeoutMs });

// Needs no MySQL server at all, so it runs where the suites below are skipped too.
it('reports a MySQL server that is not listening as unavailable, naming host:port, within seconds', async () => {
  const started = Date.now();
  const error = await openStore(database('mysql://root@127.0.0.1:1/monitor', 5000)).catch((caught: unknown) => caught);
  expect(Date.now() - started).toBeLessThan(6000);
  expect(error).toBeInstanceOf(UnavailableError);
  expect((error as UnavailableError).message).toBe('cannot connect to MySQL at 127.0.0.1:1 (connection refused)');
  expect((error as UnavailableError).hint).toMatch(/database\.url \/ MONITOR_DATABASE_URL/);
  expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
});

/** A second store on the database at `url` whose sessions cut GROUP_CONCAT texts at `bytes`, as MySQL's default 1 KB does. */
async function storeWithGroupConcatLimit(url: string, bytes: number): Promise<Store> {
  const { target } = databaseConfig(url);
  if (target.kind !== 'mysql') throw new Error('not a MySQL url');
  return openMysqlStore(target, {
    poolSize: 2,
    connectTimeoutMs: 2000,
    migrate: 'never',
    sessionSql: [...SESSION_SQL, `SET SESSION group_concat_max_len = ${bytes}`],
  });
}

describeMysql('MySQL store', (db) => {
  storeContract('MySQL', (options) => mysqlFixture(db, options));

  it('says so when the password is wrong', async () => {
    const url = new URL(db.url);
    url.password = 'definitely-wrong';
    const error = await openStore(database(url.toString())).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(
      new RegExp(`MySQL at ${url.hostname}:${url.port || 3306} refused user '${url.username}' \\(access denied: wrong password\\)`),
    );
    expect((error as UnavailableError).hint).toMatch(/user and password/);
  });

  it('creates an unknown database on open and migrates it', async () => {
    const reserved = db.reserve('created-on-open');
    const store = await openStore(database(reserved.url));
    try {
      // location is safe to print: no password.
      expect(store.location).toMatch(new RegExp(`^mysql://[^:@/]*@[^/@]+:\\d+/${reserved.name}$`));
      expect(await store.listCheckTypes()).toHaveLength(6);
    } finally {
      await store.close();
    }
  });

  it('lets three stores open a fresh database at once: each migration applied and recorded once, no "already exists" failure', async () => {
    const reserved = db.reserve('racing');
    const stores = await Promise.all([0, 1, 2].map(() => openStore(database(reserved.url))));
    await Promise.all(stores.map((store) => store.close()));
    const versions = await mysqlRows<{ version: string }>(reserved.url, 'SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((row) => row.version)).toEqual(['001', '002', '003', '004', '005', '006']);
    const indexes = await mysqlRows<{ name: string }>(
      reserved.url,
      "SELECT DISTINCT index_name AS name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'notifications' ORDER BY index_name",
    );
    expect(indexes.map((row) => row.name)).toEqual(['idx_notifications_alert', 'idx_notifications_channel_pending', 'PRIMARY']);
  });

  it('refuses a schema that is behind instead of upgrading it, until `db migrate`', async () => {
    const { url } = await db.fresh('behind');
    await (await openStore(database(url))).close();
    // Back to the schema an older monitor left (version 002): without 003's outbox index, 004's and 005's columns.
    const raw = await mysql.createConnection({ uri: url });
    // 006's column stays: migrating again must take MySQL's 'duplicate column' as done (a racing migrator).
    await raw.query("DELETE FROM schema_migrations WHERE version IN ('003', '004', '005', '006')");
    await raw.query('ALTER TABLE alerts DROP COLUMN peak_value, DROP COLUMN resolve_value');
    await raw.query('ALTER TABLE check_state DROP COLUMN last_notified_at');
    await raw.query('ALTER TABLE leases DROP COLUMN holder_host, DROP COLUMN holder_pid, DROP COLUMN acquired_at, DROP COLUMN renewed_at');
    await raw.query('ALTER TABLE notifications DROP COLUMN claim_token, DROP COLUMN claim_expires_at');
    await raw.query(
      'ALTER TABLE notifications DROP KEY idx_notifications_channel_pending, ADD KEY idx_notifications_pending (delivered_at, created_at, notification_id)',
    );
    await raw.end();

    const error = await openStore(database(url)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchemaVersionError);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/is at 002, this monitor needs 006$/);
    expect((error as SchemaVersionError).hint).toBe('run `monitor db migrate`');

    const store = await openStore(database(url), { migrate: 'never' });
    try {
      expect(await store.migrate()).toEqual(['003', '004', '005', '006']);
      expect(await store.listCheckTypes()).toHaveLength(6);
      const indexes = await mysqlRows<{ name: string }>(
        url,
        "SELECT DISTINCT index_name AS name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'notifications' ORDER BY index_name",
      );
      expect(indexes.map((row) => row.name)).toEqual(['idx_notifications_alert', 'idx_notifications_channel_pending', 'PRIMARY']);
    } finally {
      await store.close();
    }
    await (await openStore(database(url))).close();
  });

  it('stores UTC with milliseconds even when the session time zone is +05:00', async () => {
    const { url } = await db.fresh('time-zone');
    const store = await openTestStore(url, 'auto');
    const raw = await mysql.createConnection({ uri: url, dateStrings: true });
    try {
      const [zone] = await store.driver.all<{ tz: string }>('SELECT @@session.time_zone AS tz');
      expect(zone?.tz).toBe('+05:00');
      const host = await store.addHost({ hostName: 'tz', keyHash: keyHash('tz'), description: null, createdAt: T0 });
      const alertId = await store.openAlert({
        hostId: host.hostId,
        checkId: 1,
        severity: 'warning',
        triggeredAt: at(0.456),
        message: 'm',
        value: null,
      });
      const [rows] = await raw.query('SELECT triggered_at FROM alerts');
      expect(rows).toEqual([{ triggered_at: '2025-03-01 10:00:00.579' }]);
      expect((await store.getAlert(alertId))?.triggeredAt.toISOString()).toBe('2025-03-01T10:00:00.579Z');
    } finally {
      await raw.end();
      await store.close();
    }
  });

  it("reads hosts' checks row by row when group_concat_max_len cuts their list short (MySQL's default is 1 KB)", async () => {
    const { url } = await db.fresh('grouplen');
    const store = await openTestStore(url, 'auto');
    const short = await storeWithGroupConcatLimit(url, 12);
    try {
      const checkIds = (await store.listCheckTypes()).map((type) => type.checkId);
      for (const name of ['a-01', 'b-01']) {
        const host = await store.addHost({ hostName: name, keyHash: keyHash(name), description: null, createdAt: T0 });
        await store.upsertHostChecks(
          checkIds.map((checkId) => ({ hostId: host.hostId, checkId, params: { note: 'x'.repeat(20) }, enabled: true })),
        );
      }
      const order = (hosts: Awaited<ReturnType<Store['listCheckedHosts']>>) =>
        hosts
          .map((h) => ({ ...h, pairs: h.checkIds.map((id, i) => [id, h.params[i]]).sort() }))
          .sort((a, b) => a.host.hostId - b.host.hostId);
      const whole = await store.listCheckedHosts();
      expect(whole.map((host) => host.checkIds.length)).toEqual([checkIds.length, checkIds.length]);
      expect(order(await short.listCheckedHosts())).toEqual(order(whole));
    } finally {
      await short.close();
      await store.close();
    }
  });

  it("reads a host's checks row by row when group_concat_max_len cuts the last one's overrides, every other line whole", async () => {
    const { url } = await db.fresh('grouplast');
    const store = await openTestStore(url, 'auto');
    const [first, second] = (await store.listCheckTypes()).map((type) => type.checkId);
    const host = await store.addHost({ hostName: 'a-01', keyHash: keyHash('a-01'), description: null, createdAt: T0 });
    const params = { note: 'x'.repeat(40) };
    await store.upsertHostChecks([first!, second!].map((checkId) => ({ hostId: host.hostId, checkId, params, enabled: true })));
    // Both lines whole are "id {...}" and a line end each: cut 5 bytes before the end, inside the
    // second line's overrides, so that the text holds as many lines (or separators) as checks.
    const whole = 2 * (1 + JSON.stringify(params).length + 1) + String(first).length + String(second).length;
    const short = await storeWithGroupConcatLimit(url, whole - 5);
    try {
      const [checked] = await short.listCheckedHosts();
      expect(checked!.checkIds.slice().sort()).toEqual([first, second].sort());
      expect(checked!.params).toEqual([params, params]);
    } finally {
      await short.close();
      await store.close();
    }
  });

  it('turns a real deadlock into RetryableTransactionError, and withTransactionRetry gets both writers through', async () => {
    const { url } = await db.fresh('deadlock');
    const store = await openStore(database(url));
    try {
      const a = await store.addHost({ hostName: 'a', keyHash: keyHash('a'), description: null, createdAt: T0 });
      const b = await store.addHost({ hostName: 'b', keyHash: keyHash('b'), description: null, createdAt: T0 });
      // Each transaction locks one row, then reaches for the other's.
      const crossed = (run: (fn: (tx: Store) => Promise<void>) => Promise<void>) => {
        let lockedA!: () => void;
        let lockedB!: () => void;
        const aLocked = new Promise<void>((resolve) => (lockedA = resolve));
        const bLocked = new Promise<void>((resolve) => (lockedB = resolve));
        return Promise.allSettled([
          run(async (tx) => {
            await tx.setHostKeyHash(a.hostId, keyHash('a1'));
            lockedA();
            await bLocked;
            await tx.setHostKeyHash(b.hostId, keyHash('b1'));
          }),
          run(async (tx) => {
            await aLocked;
            await tx.setHostKeyHash(b.hostId, keyHash('b2'));
            lockedB();
            await tx.setHostKeyHash(a.hostId, keyHash('a2'));
          }),
        ]);
      };

      const plain = await crossed((fn) => store.transaction(fn));
      const failures = plain.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      expect(failures).toHaveLength(1);
      expect(failures[0]!.reason).toBeInstanceOf(RetryableTransactionError);

      const retried = await crossed((fn) => withTransactionRetry(store, fn));
      expect(retried.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);
    } finally {
      await store.close();
    }
  });
});
