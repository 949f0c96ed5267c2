// `monitor db migrate` and `monitor db prune`, in-process with an injected clock, on SQLite and MariaDB.

import { readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/cli.js';
import { eachBackend, type AdminBackend } from './support-admin/backends.js';
import { addHosts, ago, checkIds, createAlert, DAY, metricsSample, NOW, parseJson } from './support-admin/fixtures.js';
import { storedTime } from '../support/quiet.js';

const migrationFiles = (dialect: string): string[] =>
  readdirSync(`${PROJECT_ROOT}sql/${dialect}`)
    .filter((name) => name.endsWith('.sql'))
    .sort();

const count = async (b: AdminBackend, sql: string, params: (string | number)[] = []): Promise<number> =>
  Number((await b.sql<{ n: number }>(sql, params))[0]!.n);

interface PruneJson {
  samples_deleted: number;
  samples_before: string;
  alerts_deleted: number | null;
  alerts_before: string | null;
  notifications_deleted: number | null;
}

eachBackend('monitor db', (backend) => {
  it('db migrate applies every schema version once; a second run applies nothing', async () => {
    const b = backend();
    const first = await b.cli(['db', 'migrate', '--json'], { now: NOW });
    expect(first.code).toBe(0);
    const applied = parseJson<{ applied: string[] }>(first.stdout).applied;
    expect(applied).toHaveLength(migrationFiles(b.kind).length);
    expect(
      await count(
        b,
        "SELECT COUNT(*) AS n FROM alert_types WHERE check_key IN ('cpu_usage', 'memory_usage', 'disk_space', 'host_silent', 'dataset_freshness', 'files_count')",
      ),
    ).toBe(6);

    const second = await b.cli(['db', 'migrate', '--json'], { now: NOW });
    expect(second.code).toBe(0);
    expect(parseJson<{ applied: string[] }>(second.stdout).applied).toEqual([]);
    const text = await b.cli(['db', 'migrate'], { now: NOW });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/is up to date/);
    // Nothing seeded twice.
    expect(await count(b, 'SELECT COUNT(*) AS n FROM alert_types')).toBe(6);
  });

  it('db migrate on a database that already has data keeps it', async () => {
    const b = backend();
    expect((await b.cli(['hosts', 'add', 'web-01'], { now: NOW })).code).toBe(0);
    const result = await b.cli(['db', 'migrate'], { now: NOW });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/up to date/);
    expect(await count(b, 'SELECT COUNT(*) AS n FROM hosts')).toBe(1);
  });

  it('db prune --older-than 30d deletes old samples in batches smaller than the rows, and says how many', async () => {
    const b = backend();
    await b.withStore(async (store) => {
      const ids = await addHosts(store, ['web-01', 'web-02']);
      const samples = [];
      for (const hostName of ['web-01', 'web-02']) {
        // 12 samples a day apart from 31 to 42 days ago: all older than 30 days.
        for (let day = 31; day <= 42; day++) samples.push(metricsSample(ids[hostName]!, ago(day * DAY)));
        // 3 recent ones and one just inside the window.
        for (const days of [0.5, 1, 2, 29.9]) samples.push(metricsSample(ids[hostName]!, ago(days * DAY)));
      }
      await store.insertSamples(samples);
    });
    expect(await count(b, 'SELECT COUNT(*) AS n FROM incoming_data')).toBe(32);

    const result = await b.cli(['db', 'prune', '--older-than', '30d', '--batch-size', '5', '--json'], { now: NOW });

    expect(result.code).toBe(0);
    const json = parseJson<PruneJson>(result.stdout);
    expect(json).toEqual({
      samples_deleted: 24,
      samples_before: ago(30 * DAY).toISOString(),
      alerts_deleted: null,
      alerts_before: null,
      notifications_deleted: null,
    });
    expect(await count(b, 'SELECT COUNT(*) AS n FROM incoming_data')).toBe(8);
    expect(await count(b, 'SELECT COUNT(*) AS n FROM incoming_data WHERE collected_at < ?', [storedTime(ago(30 * DAY))])).toBe(0);

    const again = await b.cli(['db', 'prune', '--older-than', '30d', '--batch-size', '5'], { now: NOW });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Deleted 0 samples collected before 2026-02-08 10:00:00\.$/m);
  });

  it('db prune keeps resolved alerts unless --alerts-older-than is given, and never prunes open alerts', async () => {
    const b = backend();
    const alerts = await b.withStore(async (store) => {
      const ids = await addHosts(store, ['web-01', 'db-01']);
      const checks = await checkIds(store);
      const web = ids['web-01']!;
      const db = ids['db-01']!;
      // The outbox: an old notification that went out, an old one still waiting for its channel, a recent one that went out.
      const notification = (channel: string, createdAt: Date) => ({
        alertId: null,
        channel,
        event: 'open' as const,
        payload: { text: channel },
        createdAt,
      });
      await store.enqueueNotifications([
        notification('sent-old', ago(60 * DAY)),
        notification('waiting-old', ago(60 * DAY)),
        notification('sent-new', ago(DAY)),
      ]);
      for (const row of await store.pendingNotifications(['sent-old', 'sent-new'], 10, 10))
        await store.markNotificationDelivered(row.notificationId, row.createdAt);
      return {
        oldResolved: await createAlert(store, {
          hostId: web,
          checkId: checks.disk_space!,
          triggeredAt: ago(61 * DAY),
          resolvedAt: ago(60 * DAY),
          message: 'old',
        }),
        oldResolved2: await createAlert(store, {
          hostId: db,
          checkId: checks.disk_space!,
          triggeredAt: ago(45 * DAY),
          resolvedAt: ago(44 * DAY),
          message: 'old 2',
        }),
        // Opened 90 days ago and still open: never pruned, however old.
        oldOpen: await createAlert(store, { hostId: web, checkId: checks.cpu_usage!, triggeredAt: ago(90 * DAY), message: 'still open' }),
        // Triggered long ago but resolved recently: age counts from the resolve.
        recentlyResolved: await createAlert(store, {
          hostId: db,
          checkId: checks.memory_usage!,
          triggeredAt: ago(40 * DAY),
          resolvedAt: ago(2 * DAY),
          message: 'recent',
        }),
      };
    });
    const remaining = async (): Promise<number[]> =>
      (await b.sql<{ alert_id: number }>('SELECT alert_id FROM alerts ORDER BY alert_id')).map((row) => Number(row.alert_id));
    const outbox = async (): Promise<string[]> =>
      (await b.sql<{ channel: string }>('SELECT channel FROM notifications ORDER BY channel')).map((row) => row.channel);
    const all = [alerts.oldResolved, alerts.oldResolved2, alerts.oldOpen, alerts.recentlyResolved].sort((x, y) => x - y);

    const samplesOnly = await b.cli(['db', 'prune', '--older-than', '1d'], { now: NOW });
    expect(samplesOnly.code).toBe(0);
    expect(samplesOnly.stdout).not.toMatch(/alerts|notifications/);
    expect(await remaining()).toEqual(all);
    expect(await outbox()).toEqual(['sent-new', 'sent-old', 'waiting-old']);

    const withAlerts = await b.cli(['db', 'prune', '--older-than', '30d', '--alerts-older-than', '30d', '--batch-size', '1', '--json'], {
      now: NOW,
    });
    expect(withAlerts.code).toBe(0);
    expect(parseJson<PruneJson>(withAlerts.stdout)).toMatchObject({
      alerts_deleted: 2,
      alerts_before: ago(30 * DAY).toISOString(),
      notifications_deleted: 1,
    });
    expect(await remaining()).toEqual([alerts.oldOpen, alerts.recentlyResolved].sort((x, y) => x - y));
    // A notification that never went out stays, however old: it is still owed.
    expect(await outbox()).toEqual(['sent-new', 'waiting-old']);

    // Even an age of one second leaves the open alert alone.
    const text = await b.cli(['db', 'prune', '--older-than', '30d', '--alerts-older-than', '1s'], { now: NOW });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Deleted 1 alerts resolved before /m);
    expect(text.stdout).toMatch(/^Deleted 1 sent or abandoned notifications queued before /m);
    expect(await outbox()).toEqual(['waiting-old']);
    expect(await remaining()).toEqual([alerts.oldOpen]);
  });
});
