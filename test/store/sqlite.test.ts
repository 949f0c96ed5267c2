import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../src/errors.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { makeTempDir, removeTempDir, useTempDir } from '../support/temp-dir.js';
import { storeContract, type StoreFixture } from './contract.js';
import { databaseConfig } from '../support/database-config.js';

const database = (url: string, cwd?: string) => databaseConfig(url, { poolSize: 1, ...(cwd ? { cwd } : {}) });

async function sqliteFixture(options: { migrate: 'auto' | 'never' }): Promise<StoreFixture> {
  const dir = await makeTempDir('monitor-store-sqlite-');
  const file = join(dir, 'monitor.db');
  const store = await openStore(database(`sqlite:${file}`), { migrate: options.migrate });
  const raw = new Database(file, { timeout: 5000 });
  const others: Store[] = [];
  return {
    store,
    raw: {
      // async so that a SQL error (the contract tests provoke some) rejects, as the MariaDB driver's does.
      // eslint-disable-next-line @typescript-eslint/require-await
      async query(sql, params = []) {
        return raw.prepare(sql).all(...params) as Record<string, unknown>[];
      },
      // eslint-disable-next-line @typescript-eslint/require-await
      async exec(sql, params = []) {
        raw.prepare(sql).run(...params);
      },
    },
    async openAnother() {
      const other = await openStore(database(`sqlite:${file}`));
      others.push(other);
      return other;
    },
    async close() {
      for (const other of others) await other.close();
      await store.close();
      raw.close();
      await removeTempDir(dir);
    },
  };
}

storeContract('SQLite', sqliteFixture);

describe('SQLite store', () => {
  const tmp = useTempDir('monitor-store-sqlite-');
  const opened: Store[] = [];
  const open = async (url: string, options: Parameters<typeof openStore>[1] & { cwd?: string } = {}) => {
    const store = await openStore(database(url, options.cwd), options);
    opened.push(store);
    return store;
  };
  afterAll(async () => {
    for (const store of opened) await store.close();
  });

  it('a write outside a transaction waits out another process holding the write lock past the busy timeout', async () => {
    const file = join(tmp.path, 'busy.db');
    const store = await open(`sqlite:${file}`);
    // Another process takes the write lock and keeps it 6.5 s: longer than the 5 s busy timeout.
    const holder = spawn(process.execPath, [
      '-e',
      `const D = require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))}); const db = new D(${JSON.stringify(file)});
       db.exec('BEGIN IMMEDIATE'); console.log('held'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, 6500);`,
    ]);
    const exited = new Promise((resolve) => holder.on('close', resolve));
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    const started = Date.now();
    await store.setSetting('busy_test', 'written');
    expect(Date.now() - started).toBeGreaterThan(5_000);
    expect(await store.getSetting('busy_test')).toBe('written');
    await exited;
  }, 30_000);

  it('creates the file and its missing directories on first use, in WAL mode, migrated', async () => {
    const file = join(tmp.path, 'deep', 'er', 'monitor.db');
    const store = await open(`sqlite:${file}`);
    expect(store.dialect).toBe('sqlite');
    expect(store.location).toBe(file);
    expect(await store.listCheckTypes()).toHaveLength(6);
    await store.close();
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  it('resolves sqlite:relative.db and bare .db paths against the working directory', async () => {
    const relative = await open('sqlite:data/rel.db', { cwd: tmp.path });
    expect(relative.location).toBe(join(tmp.path, 'data', 'rel.db'));
    const bare = await open('bare.sqlite', { cwd: tmp.path });
    expect(bare.location).toBe(join(tmp.path, 'bare.sqlite'));
    expect(await bare.listCheckTypes()).toHaveLength(6);
  });

  it('runs in memory with sqlite::memory:', async () => {
    const store = await open('sqlite::memory:');
    expect(store.location).toBe(':memory:');
    const host = await store.addHost({ hostName: 'mem', keyHash: 'f'.repeat(64), description: null, createdAt: new Date() });
    expect((await store.findHostByName('mem'))?.hostId).toBe(host.hostId);
  });

  it('lets two processes open a fresh file at once: both work, each migration is recorded once', async () => {
    const file = join(tmp.path, 'race.db');
    const [a, b] = await Promise.all([open(`sqlite:${file}`), open(`sqlite:${file}`)]);
    await a.addHost({ hostName: 'a', keyHash: 'a'.repeat(64), description: null, createdAt: new Date() });
    expect((await b.findHostByName('a'))?.hostName).toBe('a');
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual([
        '001',
        '002',
        '003',
        '004',
        '005',
        '006',
      ]);
      expect(raw.prepare('SELECT COUNT(*) FROM alert_types').pluck().get()).toBe(6);
    } finally {
      raw.close();
    }
  });

  it('applies a migration a file is missing when opened', async () => {
    const file = join(tmp.path, 'behind.db');
    await (await open(`sqlite:${file}`)).close();
    const raw = new Database(file);
    raw.prepare("DELETE FROM schema_migrations WHERE version = '002'").run();
    raw.close();
    const store = await open(`sqlite:${file}`);
    expect(await store.migrate()).toEqual([]);
    expect(await store.listCheckTypes()).toHaveLength(6);
  });

  it('reports a file that is not a database as unavailable, naming the path', async () => {
    const file = join(tmp.path, 'not-a-db.db');
    await writeFile(file, 'this is a text file, not SQLite '.repeat(100));
    const error = await openStore(database(`sqlite:${file}`)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain(file);
  });

  it('never loads mysql2 for a SQLite database', async () => {
    await open(`sqlite:${join(tmp.path, 'lazy.db')}`);
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    expect(loaded.filter((path) => path.includes('/node_modules/mysql2/'))).toEqual([]);
  });
});
