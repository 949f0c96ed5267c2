// A person closes an alert (`monitor alerts close`, the dashboard's Close button) while a
// `monitor check` run is between loading its inputs and writing its transitions. The run must then
// leave that host check alone: no repeat, escalation or flapping notice about the closed alert, and
// no state written over the one the close wrote — its lastResolvedAt starts the cooldown, and its
// openNotified says nothing open was announced. The next run starts from the close.
//
// The close is made at the seam between the two: when the run opens its write transaction (the
// inputs are loaded and evaluated by then). On MariaDB a second test closes from another connection
// while the run's write transaction is already under way: the close must wait for it, not slip in.

import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAlertByHand } from '../../src/alerts/close-alerts.js';
import { runCheck, type CheckRunResult } from '../../src/alerts/run-check.js';
import { createRegistry } from '../../src/checks/registry.js';
import { checkRunConfig } from '../support/check-run-config.js';
import type { Notifier } from '../../src/notify/types.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { CheckState } from '../../src/store/types.js';
import { databaseConfig } from '../support/database-config.js';
import { memoryLog } from '../support/memory-log.js';
import { describeMysql } from '../support/mysql.js';
import { mysqlRows } from '../support/raw-sql.js';
import { newSample } from '../support/samples.js';
import { tempDir } from '../support/temp-dir.js';

const MIN = 60_000;
const T0 = new Date('2026-12-07T02:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);
/** alerting.repeat_interval; the cooldown is the check type's default, 300 s. */
const REPEAT_MS = 10 * MIN;
const COOLDOWN_MS = 5 * MIN;

interface Sent {
  event: string;
  alertId: number | null;
  host: string;
}

/** A fresh, empty database per test; `open` connects to it (again, for a second connection). */
type FreshDatabase = () => Promise<{ open(): Promise<Store>; url: string }>;

/**
 * `concurrentWriters`: the database lets a second writer run while the run's write transaction is
 * open (MariaDB). SQLite does not — its write transactions (BEGIN IMMEDIATE) run one after another —
 * and better-sqlite3 waits for its lock synchronously, so that test cannot run in one process there.
 */
function scenario(freshDatabase: FreshDatabase, { concurrentWriters }: { concurrentWriters: boolean }): void {
  let store: Store;
  let database: Awaited<ReturnType<FreshDatabase>>;
  const others: Store[] = [];
  let sent: Sent[];
  const notifier: Notifier = {
    channel: 'test',
    send: (payload) => Promise.resolve(void sent.push({ event: payload.event, alertId: payload.alert_id, host: payload.host_name })),
  };
  afterEach(async () => {
    await Promise.all(others.splice(0).map((other) => other.close()));
    await store?.close();
  });

  const setUp = async (hostNames: string[]) => {
    database = await freshDatabase();
    store = await database.open();
    sent = [];
    const ids = new Map<string, number>();
    for (const hostName of hostNames) {
      const { hostId } = await store.addHost({ hostName, keyHash: `key-${hostName}`, description: null, createdAt: at(-10) });
      ids.set(hostName, hostId);
    }
    return ids;
  };
  const report = async (ids: Map<string, number>, minute: number, diskPct: number) => {
    await store.insertSamples([...ids.values()].map((hostId) => newSample(hostId, at(minute), { diskPct })));
  };
  const run = (minute: number, on: Store = store): Promise<CheckRunResult> =>
    runCheck({
      store: on,
      config: checkRunConfig({ disk_space: { enabled: true, params: { warn: 80, crit: 90 } } }, { repeatIntervalMs: REPEAT_MS }),
      registry: createRegistry(),
      notifiers: [notifier],
      log: memoryLog(),
      now: at(minute),
      wallClock: () => at(minute),
      host: null,
      dryRun: false,
    });
  const closeByHand = (on: Store, alertId: number, minute: number) =>
    closeAlertByHand(on, alertId, 'fixed by hand', { now: at(minute), channels: [notifier.channel] });
  /** The store a run uses: the first transaction it opens (its write) begins with `beforeWrite`. */
  const closingBeforeWrite = (beforeWrite: () => Promise<unknown>): Store => {
    const seam = Object.create(store) as Store;
    let done = false;
    seam.transaction = async (fn, options) => {
      if (!done) {
        done = true;
        await beforeWrite();
      }
      return store.transaction(fn, options);
    };
    return seam;
  };
  const stateOf = async (hostId: number): Promise<CheckState | undefined> =>
    (await store.loadCheckStates()).find((state) => state.hostId === hostId);
  const openAlertOf = async (hostName: string) => (await store.listOpenAlerts()).find((alert) => alert.hostName === hostName);

  it('a repeat due for an alert closed meanwhile is not queued, the close keeps its state, and the cooldown it started holds', async () => {
    const ids = await setUp(['web-01', 'web-02']);
    await report(ids, 0, 97);
    await run(0);
    const closed = (await openAlertOf('web-01'))!.alertId;
    const kept = (await openAlertOf('web-02'))!.alertId;
    expect(sent).toEqual([
      { event: 'open', alertId: closed, host: 'web-01' },
      { event: 'open', alertId: kept, host: 'web-02' },
    ]);
    sent.length = 0;

    // Ten minutes on, both are due a repeat; web-01's is closed by hand once the run has read it as open.
    await report(ids, 10, 97);
    const raced = await run(
      10,
      closingBeforeWrite(() => closeByHand(store, closed, 10)),
    );
    expect(raced.transitions.map((t) => `${t.event} ${t.hostName}`)).toEqual(['repeat web-02']);
    expect(raced.conflicts).toBe(1);
    // The close's own "resolved" goes out; no repeat of the alert it closed.
    expect(sent).toEqual([
      { event: 'resolve', alertId: closed, host: 'web-01' },
      { event: 'repeat', alertId: kept, host: 'web-02' },
    ]);
    expect(await stateOf(ids.get('web-01')!)).toMatchObject({ lastResolvedAt: at(10), openNotified: false, lastNotifiedAt: null });
    expect(await stateOf(ids.get('web-02')!)).toMatchObject({ openNotified: true, lastNotifiedAt: at(10) });
    sent.length = 0;

    // Still full two minutes later: inside the cooldown the close started, it re-opens quietly.
    await report(ids, 12, 97);
    expect((await run(12)).transitions.map((t) => [t.event, t.hostName, t.notify, t.quietReason])).toEqual([
      ['open', 'web-01', false, 'cooldown'],
    ]);
    expect(sent).toEqual([]);
    // Once the cooldown is over it is announced, once.
    await report(ids, 10 + COOLDOWN_MS / MIN, 97);
    await run(10 + COOLDOWN_MS / MIN);
    const reopened = (await openAlertOf('web-01'))!.alertId;
    expect(reopened).not.toBe(closed);
    expect(sent).toEqual([{ event: 'open', alertId: reopened, host: 'web-01' }]);
    await report(ids, 16, 97);
    await run(16);
    expect(sent).toEqual([{ event: 'open', alertId: reopened, host: 'web-01' }]);
  });

  it('an escalation of an alert closed meanwhile is neither written nor announced; escalations of open ones are', async () => {
    const ids = await setUp(['db-01', 'db-02']);
    await report(ids, 0, 85);
    await run(0);
    const closed = (await openAlertOf('db-01'))!.alertId;
    const kept = (await openAlertOf('db-02'))!.alertId;
    sent.length = 0;

    await report(ids, 1, 97);
    const raced = await run(
      1,
      closingBeforeWrite(() => closeByHand(store, closed, 1)),
    );
    expect(raced.transitions.map((t) => `${t.event} ${t.hostName}`)).toEqual(['escalate db-02']);
    expect(sent).toEqual([
      { event: 'resolve', alertId: closed, host: 'db-01' },
      { event: 'escalate', alertId: kept, host: 'db-02' },
    ]);
    expect(await store.getAlert(closed)).toMatchObject({
      status: 'resolved',
      severity: 'warning',
      resolveMessage: 'closed by hand: fixed by hand',
    });
    expect(await store.getAlert(kept)).toMatchObject({ status: 'open', severity: 'critical' });
    expect(await stateOf(ids.get('db-01')!)).toMatchObject({
      status: 'warning',
      lastResolvedAt: at(1),
      openNotified: false,
      lastNotifiedAt: null,
    });
    sent.length = 0;

    // After the cooldown, still critical: opened and announced once, as critical.
    await report(ids, 1 + COOLDOWN_MS / MIN, 97);
    await run(1 + COOLDOWN_MS / MIN);
    const reopened = (await openAlertOf('db-01'))!;
    expect(reopened).toMatchObject({ severity: 'critical' });
    expect(sent).toEqual([{ event: 'open', alertId: reopened.alertId, host: 'db-01' }]);
  });

  it('an alert closed and its host back to normal meanwhile: the run neither resolves it again nor forgets the cooldown', async () => {
    const ids = await setUp(['web-01']);
    await report(ids, 0, 97);
    await run(0);
    const closed = (await openAlertOf('web-01'))!.alertId;
    sent.length = 0;

    await report(ids, 1, 40);
    const raced = await run(
      1,
      closingBeforeWrite(() => closeByHand(store, closed, 1)),
    );
    expect(raced.transitions).toEqual([]);
    expect(sent).toEqual([{ event: 'resolve', alertId: closed, host: 'web-01' }]);
    expect(await store.getAlert(closed)).toMatchObject({ resolveMessage: 'closed by hand: fixed by hand' });
    expect(await stateOf(ids.get('web-01')!)).toMatchObject({ lastResolvedAt: at(1), openNotified: false });
  });

  it('a close from elsewhere just before the run queues its repeat: one close, no repeat after it', async () => {
    // Closed from another connection (another process, the dashboard) as the run's write begins.
    const ids = await setUp(['web-01']);
    const elsewhere = await database.open();
    others.push(elsewhere);
    await report(ids, 0, 97);
    await run(0);
    const closed = (await openAlertOf('web-01'))!.alertId;
    sent.length = 0;

    await report(ids, 10, 97);
    const raced = await run(
      10,
      closingBeforeWrite(() => closeByHand(elsewhere, closed, 10)),
    );
    expect(raced.transitions).toEqual([]);
    expect(sent).toEqual([{ event: 'resolve', alertId: closed, host: 'web-01' }]);
    expect(await stateOf(ids.get('web-01')!)).toMatchObject({ lastResolvedAt: at(10), openNotified: false, lastNotifiedAt: null });
  });

  if (concurrentWriters) {
    it('a close that comes once the run has checked its alerts waits for the run to commit, then writes over it', async () => {
      const ids = await setUp(['web-01']);
      const elsewhere = await database.open();
      others.push(elsewhere);
      await report(ids, 0, 97);
      await run(0);
      const alertId = (await openAlertOf('web-01'))!.alertId;
      sent.length = 0;

      // Inside the run's write transaction, after it found the alert open and before it writes the
      // state: a close from another connection. Given half a second, it must still be waiting.
      const race: { closing: Promise<unknown> | null; closedFirst: boolean | null } = { closing: null, closedFirst: null };
      const seam = Object.create(store) as Store;
      seam.transaction = (fn, options) =>
        store.transaction((tx) => {
          const hooked = Object.create(tx) as Store;
          hooked.saveCheckStates = async (states) => {
            const closing = (race.closing ??= closeByHand(elsewhere, alertId, 10));
            const waited = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 500));
            race.closedFirst = await Promise.race([closing.then(() => true), waited]);
            return tx.saveCheckStates(states);
          };
          return fn(hooked);
        }, options);
      await report(ids, 10, 97);
      const raced = await run(10, seam);
      await race.closing;

      expect(race.closedFirst).toBe(false);
      // The alert was open when the run wrote: its repeat went first, the close's resolve after it.
      expect(raced.transitions.map((t) => t.event)).toEqual(['repeat']);
      const outbox = await mysqlRows<{ event: string; alert_id: number }>(
        database.url,
        'SELECT event, alert_id FROM notifications ORDER BY notification_id',
      );
      expect(outbox.map((row) => `${row.event} ${row.alert_id}`)).toEqual([`open ${alertId}`, `repeat ${alertId}`, `resolve ${alertId}`]);
      expect(await store.getAlert(alertId)).toMatchObject({ status: 'resolved', resolvedAt: at(10) });
      expect(await stateOf(ids.get('web-01')!)).toMatchObject({ lastResolvedAt: at(10), openNotified: false, lastNotifiedAt: null });
    });
  }
}

const connect = (url: string) => ({ url, open: () => openStore(databaseConfig(url, { poolSize: 4, connectTimeoutMs: 5_000 })) });

describe('a close while `monitor check` evaluates — SQLite', () => {
  scenario(async () => connect(`sqlite:${join(await tempDir('monitor-close-'), 'monitor.db')}`), { concurrentWriters: false });
});

describeMysql('a close while `monitor check` evaluates — MariaDB', (db) => {
  let databases = 0;
  scenario(async () => connect((await db.fresh(`close-${++databases}`)).url), { concurrentWriters: true });
});
