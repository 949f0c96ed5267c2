// Group commit against real MariaDB/MySQL, where the store commits a whole batch in one round trip
// (insertSampleGroups): every caller still gets its own counts, and the next batch is sent to the
// database before the previous batch's callers are answered.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BatchWriter, type CommitStats } from '../../src/server/batch-writer.js';
import type { NewSample } from '../../src/store/types.js';
import { mysqlFixture, type MysqlFixture } from './mysql-fixture.js';
import { newSample } from '../support/samples.js';

let fixture: MysqlFixture | null = null;
const hostIds: number[] = [];
const base = Date.parse('2025-03-10T12:00:00.000Z');

beforeAll(async () => {
  fixture = await mysqlFixture('batch_writer');
  if (!fixture) return;
  for (let i = 0; i < 50; i++) {
    const host = await fixture.store.addHost({
      hostName: `web-${i}`,
      keyHash: String(i).padStart(64, '0'),
      description: null,
      createdAt: new Date(base),
    });
    hostIds.push(host.hostId);
  }
});
afterAll(() => fixture?.cleanup());
beforeEach(async () => {
  await fixture?.query('DELETE FROM incoming_data');
});

function sample(host: number, second: number, dataset: string | null = null): NewSample {
  return newSample(hostIds[host]!, new Date(base + second * 1000), {
    receivedAt: new Date(base + 60_000 + host),
    cpuPct: 1,
    memPct: 2,
    diskPct: 3,
    load1: 0.1,
    datasetName: dataset,
  });
}

describe('group commit on MariaDB/MySQL', () => {
  it('answers 50 hosts submitting at once after one commit, each with its own counts, and reports each host as seen', async ({ skip }) => {
    if (!fixture) return skip();
    const commits: CommitStats[] = [];
    const seenAt = new Map<number, Date>();
    const writer = new BatchWriter({
      store: fixture.store,
      onCommit: (stats) => commits.push(stats),
      onSeen: (hostId, at) => void seenAt.set(hostId, at),
    });
    const results = await Promise.all(hostIds.map((_, host) => writer.submit([sample(host, 0)])));
    expect(commits.map((c) => c.requests)).toEqual([50]);
    expect(results.every((r) => r.inserted === 1 && r.duplicates === 0)).toBe(true);
    expect(await fixture.countRows()).toBe(50);
    expect([hostIds[0]!, hostIds[49]!].map((id) => seenAt.get(id)!.getTime() - base)).toEqual([60_000, 60_049]);
  });

  it('attributes already stored rows to the caller that re-sent them when one batch mixes new and re-sent rows', async ({ skip }) => {
    if (!fixture) return skip();
    await fixture.store.insertSamples([sample(0, 1)]);
    const writer = new BatchWriter({ store: fixture.store });
    const [resend, fresh, other, repeat] = await Promise.all([
      writer.submit([sample(0, 1), sample(0, 2)]),
      writer.submit([sample(1, 3)]),
      writer.submit([sample(1, 3, 'sales.daily')]),
      writer.submit([sample(0, 2)]),
    ]);
    expect(resend).toEqual({ inserted: 1, duplicates: 1 });
    expect(fresh).toEqual({ inserted: 1, duplicates: 0 });
    expect(other).toEqual({ inserted: 1, duplicates: 0 });
    expect(repeat).toEqual({ inserted: 0, duplicates: 1 });
    expect(await fixture.countRows()).toBe(4);
  });

  it("sends the next batch to the database before answering the previous batch's callers", async ({ skip }) => {
    if (!fixture) return skip();
    const events: string[] = [];
    const real = fixture.store;
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const store = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop !== 'insertSampleGroups') return Reflect.get(target, prop, receiver) as unknown;
        return async (groups: NewSample[][]) => {
          events.push(`write ${groups.length}`);
          if (events.length === 1) await firstHeld;
          return real.insertSampleGroups(groups);
        };
      },
    });
    const writer = new BatchWriter({ store });
    const first = writer.submit([sample(0, 10)]).then(() => events.push('first answered'));
    await new Promise((resolve) => setImmediate(resolve));
    const later = Promise.all([writer.submit([sample(1, 10)]), writer.submit([sample(2, 10)])]);
    releaseFirst();
    await Promise.all([first, later]);
    expect(events).toEqual(['write 1', 'write 2', 'first answered']);
    expect(await fixture.countRows()).toBe(3);
  });
});
