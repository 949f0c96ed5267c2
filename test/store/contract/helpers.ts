import { createHash } from 'node:crypto';
import type { Store } from '../../../src/store/store.js';
import type { Host, NewSample } from '../../../src/store/types.js';
import { newSample as sample } from '../../support/samples.js';

/** Plain SQL on a second connection to the store's database: proves what the database itself does. */
export interface RawSql {
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  exec(sql: string, params?: unknown[]): Promise<void>;
}

export interface StoreFixture {
  store: Store;
  raw: RawSql;
  /** Another store on the same database, like a second process. Closed with the fixture. */
  openAnother(): Promise<Store>;
  close(): Promise<void>;
}

export interface ContractContext {
  readonly store: Store;
  readonly raw: RawSql;
  readonly fixture: StoreFixture;
  /** A store on a new, empty database; closed after the suite. */
  freshFixture(options: { migrate: 'auto' | 'never' }): Promise<StoreFixture>;
}

export const T0 = new Date('2025-03-01T10:00:00.123Z');

/** T0 plus `seconds`. */
export function at(seconds: number): Date {
  return new Date(T0.getTime() + seconds * 1000);
}

export function keyHash(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

export function addHost(store: Store, hostName: string, description: string | null = null): Promise<Host> {
  return store.addHost({ hostName, keyHash: keyHash(hostName), description, createdAt: T0 });
}

export { sample };

/** A pipeline-only report: no metrics. */
export function datasetReport(hostId: number, collectedAt: Date, datasetName: string, overrides: Partial<NewSample> = {}): NewSample {
  return sample(hostId, collectedAt, { cpuPct: null, memPct: null, diskPct: null, load1: null, datasetName, ...overrides });
}

export async function count(raw: RawSql, table: string, where = '1 = 1', params: unknown[] = []): Promise<number> {
  const rows = await raw.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params);
  return Number(rows[0]!.n);
}

export async function checkId(store: Store, checkKey: string): Promise<number> {
  const type = (await store.listCheckTypes()).find((candidate) => candidate.checkKey === checkKey);
  if (!type) throw new Error(`no check type ${checkKey}`);
  return type.checkId;
}

/** Resolves to the error fn rejects with; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
