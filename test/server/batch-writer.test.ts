// Group commit against a real SQLite store. A thin wrapper around the real store lets a test hold a
// write open (to see what queues behind it) or make one attempt fail; the rows are always real.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RetryableTransactionError, UnavailableError } from '../../src/errors.js';
import { BatchWriter, type CommitStats } from '../../src/server/batch-writer.js';
import type { Store } from '../../src/store/store.js';
import type { NewSample } from '../../src/store/types.js';
import type { IngestFixture } from './ingest-scenario.js';
import { sqliteFixture } from './sqlite-fixture.js';
import { newSample } from '../support/samples.js';

let fixture: IngestFixture;
let hostId: number;
const base = Date.parse('2025-03-10T12:00:00.000Z');

beforeEach(async () => {
  fixture = await sqliteFixture();
  hostId = (await fixture.store.addHost({ hostName: 'web-01', keyHash: 'a'.repeat(64), description: null, createdAt: new Date(base) }))
    .hostId;
});
afterEach(() => fixture.cleanup());

function sample(second: number, dataset: string | null = null): NewSample {
  return newSample(hostId, new Date(base + second * 1000), {
    receivedAt: new Date(base + 60_000),
    cpuPct: 1,
    memPct: 2,
    diskPct: 3,
    load1: 0.1,
    datasetName: dataset,
  });
}

/** The real store, except that insertSampleGroups can be held at a gate or fail on purpose. */
function instrumented(store: Store) {
  const calls: number[] = [];
  let gate: Promise<void> | null = null;
  let open: () => void = () => undefined;
  let reached: () => void = () => undefined;
  let failures: Error[] = [];
  const wrap = (target: Store): Store =>
    new Proxy(target, {
      get(obj, prop, receiver) {
        if (prop === 'insertSampleGroups') {
          return async (groups: NewSample[][]) => {
            calls.push(groups.reduce((rows, group) => rows + group.length, 0));
            reached();
            if (gate) await gate;
            const failure = failures.shift();
            if (failure) throw failure;
            return obj.insertSampleGroups(groups);
          };
        }
        return Reflect.get(obj, prop, receiver) as unknown;
      },
    });
  return {
    store: wrap(store),
    calls,
    hold(): Promise<void> {
      gate = new Promise((resolve) => (open = resolve));
      return new Promise((resolve) => (reached = resolve));
    },
    release() {
      gate = null;
      open();
    },
    failNext(...errors: Error[]) {
      failures = errors;
    },
  };
}

describe('group commit', () => {
  it('writes submissions made in the same event-loop turn in one commit, each caller getting its own counts', async () => {
    const commits: CommitStats[] = [];
    const writer = new BatchWriter({ store: fixture.store, onCommit: (stats) => commits.push(stats) });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => writer.submit([sample(i)])));
    expect(commits).toHaveLength(1);
    expect(commits[0]).toMatchObject({ rows: 50, requests: 50 });
    expect(results.every((r) => r.inserted === 1 && r.duplicates === 0)).toBe(true);
    expect(await fixture.countRows()).toBe(50);
  });

  it('queues submissions while a write is in flight and writes them all in the next single call', async () => {
    const probe = instrumented(fixture.store);
    const commits: CommitStats[] = [];
    const writer = new BatchWriter({ store: probe.store, onCommit: (stats) => commits.push(stats) });
    const held = probe.hold();
    const first = writer.submit([sample(0)]);
    await held;
    let settled = 0;
    const later = Array.from({ length: 20 }, (_, i) => writer.submit([sample(i + 1)]).then((r) => (settled++, r)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(0);
    expect(writer.queued).toBe(20);
    probe.release();
    await first;
    const results = await Promise.all(later);
    // One call for the first report, one for the twenty that queued behind it.
    expect(probe.calls).toEqual([1, 20]);
    expect(commits.map((c) => c.requests)).toEqual([1, 20]);
    expect(results.every((r) => r.inserted === 1)).toBe(true);
    expect(await fixture.countRows()).toBe(21);
  });

  it('sends a row repeated by two callers in one batch once and reports it as a duplicate to the later caller', async () => {
    const writer = new BatchWriter({ store: fixture.store });
    const [a, b, c] = await Promise.all([writer.submit([sample(1)]), writer.submit([sample(1), sample(2)]), writer.submit([sample(2)])]);
    expect(a).toEqual({ inserted: 1, duplicates: 0 });
    expect(b).toEqual({ inserted: 1, duplicates: 1 });
    expect(c).toEqual({ inserted: 0, duplicates: 1 });
    expect(await fixture.countRows()).toBe(2);
  });

  it('attributes already stored rows to the caller that re-sent them when one batch mixes new and re-sent rows', async () => {
    await fixture.store.insertSamples([sample(1)]);
    const writer = new BatchWriter({ store: fixture.store });
    const [resend, fresh, other] = await Promise.all([
      writer.submit([sample(1), sample(2)]),
      writer.submit([sample(3)]),
      writer.submit([sample(3, 'sales.daily')]),
    ]);
    expect(resend).toEqual({ inserted: 1, duplicates: 1 });
    expect(fresh).toEqual({ inserted: 1, duplicates: 0 });
    expect(other).toEqual({ inserted: 1, duplicates: 0 });
    expect(await fixture.countRows()).toBe(4);
  });

  it('caps rows per commit but never splits one submission', async () => {
    const commits: CommitStats[] = [];
    const writer = new BatchWriter({ store: fixture.store, maxBatchRows: 10, onCommit: (stats) => commits.push(stats) });
    const four = (from: number) => [0, 1, 2, 3].map((i) => sample(from + i));
    await Promise.all([
      writer.submit(four(0)),
      writer.submit(four(10)),
      writer.submit(four(20)),
      writer.submit(Array.from({ length: 12 }, (_, i) => sample(30 + i))),
    ]);
    expect(commits.map((c) => c.rows)).toEqual([8, 4, 12]);
    expect(await fixture.countRows()).toBe(24);
  });

  it('rejects every caller of a failed batch, and the next batch writes normally', async () => {
    const probe = instrumented(fixture.store);
    const writer = new BatchWriter({ store: probe.store });
    probe.failNext(new UnavailableError('cannot connect to MySQL'));
    const failed = await Promise.allSettled([writer.submit([sample(1)]), writer.submit([sample(2)])]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await fixture.countRows()).toBe(0);
    expect(await writer.submit([sample(1), sample(2)])).toEqual({ inserted: 2, duplicates: 0 });
  });

  it('retries a deadlocked transaction and then succeeds', async () => {
    const probe = instrumented(fixture.store);
    const writer = new BatchWriter({ store: probe.store });
    probe.failNext(new RetryableTransactionError('deadlock'));
    expect(await writer.submit([sample(1)])).toEqual({ inserted: 1, duplicates: 0 });
    expect(probe.calls).toEqual([1, 1]);
    expect(await fixture.countRows()).toBe(1);
  });

  it('drain() waits until everything submitted is committed', async () => {
    const writer = new BatchWriter({ store: fixture.store });
    const pending = Array.from({ length: 5 }, (_, i) => writer.submit([sample(i)]));
    await writer.drain();
    expect(await fixture.countRows()).toBe(5);
    await Promise.all(pending);
  });
});
