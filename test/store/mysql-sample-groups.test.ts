// The MySQL store's group commit in one round trip (store/mysql/sample-writer.ts), against real
// MariaDB/MySQL: each group's own counts, the all-or-nothing transaction, escaping on its
// multi-statement connection, and recovery when the server drops that connection.

import mysql from 'mysql2/promise';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { UnavailableError } from '../../src/errors.js';
import { databaseConfig } from '../support/database-config.js';
import { openMysqlStore } from '../../src/store/mysql/open.js';
import { MysqlSampleWriter } from '../../src/store/mysql/sample-writer.js';
import type { MysqlStore } from '../../src/store/mysql/mysql-store.js';
import type { NewSample } from '../../src/store/types.js';
import { describeMysql } from '../support/mysql.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { addHost, at, rejection, sample } from './contract/helpers.js';

describeMysql('MySQL group commit (insertSampleGroups)', (db) => {
  let store: MysqlStore;
  let raw: mysql.Connection;
  let web: number;
  let dbHost: number;

  const rows = async (where = '1 = 1'): Promise<number> => {
    const [result] = await raw.query(`SELECT COUNT(*) AS n FROM incoming_data WHERE ${where}`);
    return Number((result as { n: number }[])[0]!.n);
  };
  const lastSeen = async (hostName: string): Promise<Date | null> => (await store.findHostByName(hostName))?.lastSeen ?? null;

  beforeEach(async () => {
    const { url } = await db.fresh('groups');
    const { target } = databaseConfig(url);
    if (target.kind !== 'mysql') throw new Error('not a MySQL url');
    // A session time zone far from UTC, as in the store contract: times must not shift.
    store = await openMysqlStore(target, {
      poolSize: 2,
      connectTimeoutMs: 2000,
      migrate: 'auto',
      sessionSql: ["SET time_zone = '+05:00'"],
    });
    raw = await mysql.createConnection({ uri: url, dateStrings: true });
    web = (await addHost(store, 'web-01')).hostId;
    dbHost = (await addHost(store, 'db-01')).hostId;
  });
  afterEach(async () => {
    await store.close();
    await raw.end();
  });

  it("commits several callers' samples together, each group with its own counts, and leaves last_seen to touchHosts", async () => {
    const results = await store.insertSampleGroups([
      [sample(web, at(0), { receivedAt: at(5) }), sample(web, at(60), { receivedAt: at(65) })],
      [],
      [sample(dbHost, at(0), { receivedAt: at(7) })],
    ]);
    expect(results).toEqual([
      { inserted: 2, duplicates: 0 },
      { inserted: 0, duplicates: 0 },
      { inserted: 1, duplicates: 0 },
    ]);
    expect(await rows()).toBe(3);
    // The hot row of a cluster is not in the ingest transaction; serve refreshes it apart.
    expect(await lastSeen('web-01')).toBeNull();
    expect(await lastSeen('db-01')).toBeNull();
  });

  it('counts every group of a fully re-sent batch as duplicates and writes nothing twice', async () => {
    const batch = [[sample(web, at(0)), sample(web, at(60))], [sample(dbHost, at(0))]];
    await store.insertSampleGroups(batch);
    expect(await store.insertSampleGroups(batch)).toEqual([
      { inserted: 0, duplicates: 2 },
      { inserted: 0, duplicates: 1 },
    ]);
    expect(await rows()).toBe(3);
  });

  it('attributes already stored samples to the group that re-sent them when a batch mixes new and re-sent ones', async () => {
    await store.insertSamples([sample(web, at(0))]);
    const results = await store.insertSampleGroups([
      [sample(web, at(0)), sample(web, at(60))],
      [sample(dbHost, at(0))],
      [sample(dbHost, at(0), { datasetName: 'sales.daily', cpuPct: null })],
    ]);
    expect(results).toEqual([
      { inserted: 1, duplicates: 1 },
      { inserted: 1, duplicates: 0 },
      { inserted: 1, duplicates: 0 },
    ]);
    expect(await rows()).toBe(4);
  });

  it('writes a sample that two groups carry once, as a duplicate of the later group', async () => {
    const results = await store.insertSampleGroups([[sample(web, at(10))], [sample(web, at(10)), sample(web, at(0))]]);
    expect(results).toEqual([
      { inserted: 1, duplicates: 0 },
      { inserted: 1, duplicates: 1 },
    ]);
    expect(await rows()).toBe(2);
  });

  it('writes a group bigger than one INSERT next to small groups, with exact counts', async () => {
    const big = Array.from({ length: 2500 }, (_, i) => sample(web, at(i)));
    await store.insertSamples([big[1200]!]);
    const results = await store.insertSampleGroups([[sample(dbHost, at(0))], big, [sample(dbHost, at(1))]]);
    expect(results).toEqual([
      { inserted: 1, duplicates: 0 },
      { inserted: 2499, duplicates: 1 },
      { inserted: 1, duplicates: 0 },
    ]);
    expect(await rows()).toBe(2502);
  });

  it('rolls back every statement of a batch when a later one fails, and the next batch writes normally', async () => {
    // 1000 rows fill the first INSERT; the second fails (files_count is an INT).
    const first = Array.from({ length: 1000 }, (_, i) => sample(web, at(i), { receivedAt: at(2000) }));
    const bad: NewSample = sample(dbHost, at(0), { datasetName: 'orders', filesCount: 2 ** 40 });
    const error = await rejection(store.insertSampleGroups([first, [bad]]));
    expect(error.message).toMatch(/files_count/);
    expect(await rows()).toBe(0);
    expect(await lastSeen('web-01')).toBeNull();

    expect(await store.insertSampleGroups([[sample(web, at(0))]])).toEqual([{ inserted: 1, duplicates: 0 }]);
    expect(await rows()).toBe(1);
  });

  it('stores quotes, backslashes and semicolons in text columns exactly as sent: values are escaped, never run', async () => {
    const hostile = "x'); DROP TABLE hosts; -- \\' \\\\ \"";
    await store.insertSampleGroups([[sample(web, at(0), { datasetName: "a'b;c\\", partitionKey: hostile })], [sample(dbHost, at(0))]]);
    const [stored] = await raw.query('SELECT dataset_name, partition_key FROM incoming_data WHERE host_id = ?', [web]);
    expect(stored).toEqual([{ dataset_name: "a'b;c\\", partition_key: hostile }]);
    expect((await store.listHostRecords()).map((host) => host.hostName)).toEqual(['db-01', 'web-01']);
  });

  it("keeps multi-statement queries off the store's other connections", async () => {
    await store.insertSampleGroups([[sample(web, at(0))]]);
    const error = await rejection(store.driver.run('SELECT 1; SELECT 2'));
    expect(error.cause ?? error).toMatchObject({ code: 'ER_PARSE_ERROR' });
  });

  it('reconnects by itself after the server drops the connection it writes on', async () => {
    await store.insertSampleGroups([[sample(web, at(0))]]);
    // Every connection of this test's database but our own: the writer's among them.
    const [ids] = await raw.query('SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()');
    expect(ids).not.toHaveLength(0);
    for (const { id } of ids as { id: number }[]) await raw.query('KILL ?', [id]);

    // The write that meets the dead connection may fail (as unavailable: the agent re-sends); the one after it writes.
    const next = await store.insertSampleGroups([[sample(web, at(60))]]).catch((error: unknown) => error);
    if (next instanceof Error) expect(next).toBeInstanceOf(UnavailableError);
    else expect(next).toEqual([{ inserted: 1, duplicates: 0 }]);
    expect(await store.insertSampleGroups([[sample(web, at(60)), sample(web, at(120))]])).toEqual([
      { inserted: next instanceof Error ? 2 : 1, duplicates: next instanceof Error ? 0 : 1 },
    ]);
    expect(await rows()).toBe(3);
  });
});

describeMysql('MySQL group commit when the server stops answering', (db) => {
  it('gives up the stalled connection after the write timeout, then writes on a fresh one', async () => {
    const { url } = await db.fresh('stalled');
    const { target } = databaseConfig(url);
    if (target.kind !== 'mysql') throw new Error('not a MySQL url');
    const store = await openMysqlStore(target, { poolSize: 1, connectTimeoutMs: 2000, migrate: 'auto' });
    const proxy = await startTcpProxy({ host: target.host, port: target.port });
    const writer = new MysqlSampleWriter({ ...target, host: proxy.host, port: proxy.port }, { poolSize: 1, connectTimeoutMs: 2000 }, 300);
    try {
      const host = (await addHost(store, 'web-01')).hostId;
      expect(await writer.write([[sample(host, at(0))]])).toEqual([{ inserted: 1, duplicates: 0 }]);

      proxy.stall();
      const started = Date.now();
      const error = await rejection(writer.write([[sample(host, at(60))]]));
      expect(error).toBeInstanceOf(UnavailableError);
      expect(error.message).toBe(`MySQL at 127.0.0.1:${proxy.port} did not answer a write within 300 ms`);
      expect(Date.now() - started).toBeLessThan(5_000);

      // The stalled commit never reached the server; the next write connects afresh and lands.
      expect(await writer.write([[sample(host, at(60))], [sample(host, at(120))]])).toEqual([
        { inserted: 1, duplicates: 0 },
        { inserted: 1, duplicates: 0 },
      ]);
      expect(proxy.acceptedConnections).toBe(2);
    } finally {
      await writer.close();
      await proxy.close();
      await store.close();
    }
  });
});
