// Pipeline facts: `monitor collect --dataset NAME --partition KEY --files N --first-event T
// --last-event T` lands in incoming_data under those column names, through serve or straight to the
// database; `--no-metrics` sends only them; a bad value is exit 2 before anything is sent or spooled.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { lines, trackedAgents, minutesAgo } from './support-collect/agent.js';
import { createTestDatabase, DATABASE_KINDS, serveOn, sqliteDatabaseAt } from './support-collect/databases.js';
import { startReportRecorder, type ReportRecorder } from './support-collect/report-recorder.js';
import { storedTime } from '../support/quiet.js';

const defer = useCleanups();

const agent = trackedAgents(defer);

async function recorder(target: string | null): Promise<ReportRecorder> {
  const started = await startReportRecorder(target);
  defer(() => started.close());
  return started;
}

const FACTS = [
  '--dataset',
  'orders',
  '--partition',
  '2026-11-28',
  '--files',
  '12',
  '--first-event',
  '2026-11-28T00:00:05Z',
  // Another zone: stored in UTC.
  '--last-event',
  '2026-11-29T00:59:58.250+01:00',
];

const STORED_FACTS = {
  dataset_name: 'orders',
  partition_key: '2026-11-28',
  files_count: 12,
  first_event_at: '2026-11-28 00:00:05.000',
  last_event_at: '2026-11-28 23:59:58.250',
};

describe.each(DATABASE_KINDS)('pipeline facts through serve on %s', (kind) => {
  it('land in incoming_data with those columns, beside the host metrics', async (t) => {
    const db = await createTestDatabase(kind, 'collect_pipeline_serve');
    if (!db) return t.skip();
    defer(() => db.drop());
    const server = await serveOn(db, 'etl-01');
    defer(() => server.close());
    const host = await agent({ hostName: 'etl-01', serverUrl: server.url, hostKey: server.hostKey });
    const now = minutesAgo(1);

    const result = await host.run(['collect', ...FACTS], { now });
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const rows = await db.rows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ host_name: 'etl-01', collected_at: storedTime(now), ...STORED_FACTS });
    expect(typeof rows[0]!.cpu_pct).toBe('number');
    expect(typeof rows[0]!.disk_pct).toBe('number');
  });
});

describe('pipeline facts', () => {
  it('--no-metrics sends only the pipeline facts and stores no metrics', async (t) => {
    const db = await createTestDatabase('sqlite', 'collect_pipeline_only');
    if (!db) return t.skip();
    defer(() => db.drop());
    const server = await serveOn(db, 'etl-01');
    defer(() => server.close());
    const wire = await recorder(server.url);
    const host = await agent({ hostName: 'etl-01', serverUrl: wire.url, hostKey: server.hostKey });
    const now = minutesAgo(1);

    const result = await host.run(['collect', '--no-metrics', ...FACTS], { now });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(wire.requests).toHaveLength(1);
    expect(wire.requests[0]!.reports).toEqual([
      {
        host_name: 'etl-01',
        collected_at: now.toISOString(),
        dataset_name: 'orders',
        partition_key: '2026-11-28',
        files_count: 12,
        first_event_at: '2026-11-28T00:00:05.000Z',
        last_event_at: '2026-11-28T23:59:58.250Z',
      },
    ]);
    expect(await db.rows()).toEqual([
      expect.objectContaining({ cpu_pct: null, mem_pct: null, disk_pct: null, load_1: null, ...STORED_FACTS }),
    ]);
  });

  it('land in the default SQLite database in one-box mode', async () => {
    const host = await agent({ hostName: 'etl-01' });
    const now = minutesAgo(1);
    const result = await host.run(['collect', '--no-metrics', ...FACTS], { now });
    expect(result.code).toBe(0);
    const rows = await sqliteDatabaseAt(join(host.home, '.local/share/monitor/monitor.db')).rows();
    expect(rows).toEqual([expect.objectContaining({ host_name: 'etl-01', collected_at: storedTime(now), cpu_pct: null, ...STORED_FACTS })]);
  });

  it('land in MariaDB in one-box mode', async (t) => {
    const db = await createTestDatabase('mariadb', 'collect_pipeline_one_box');
    if (!db) return t.skip();
    defer(() => db.drop());
    const host = await agent({ hostName: 'etl-01', databaseUrl: db.url });
    const now = minutesAgo(1);
    expect((await host.run(['collect', '--no-metrics', ...FACTS], { now })).code).toBe(0);
    expect(await db.rows()).toEqual([
      expect.objectContaining({ host_name: 'etl-01', collected_at: storedTime(now), cpu_pct: null, ...STORED_FACTS }),
    ]);
  });

  const badValues: [string, string[], RegExp][] = [
    ['a files count that is not a number', ['--dataset', 'orders', '--files', '12x'], /--files must be a whole number >= 0, got "12x"/],
    ['a negative files count', ['--dataset', 'orders', '--files', '-1'], /--files must be a whole number >= 0/],
    ['a files count past the column', ['--dataset', 'orders', '--files', '99999999999'], /--files: must be/],
    [
      'an event time without a zone',
      ['--dataset', 'orders', '--first-event', '2026-11-28 10:00'],
      /--first-event must be an ISO-8601 time with a zone, got "2026-11-28 10:00"/,
    ],
    [
      'an event time that is not a time',
      ['--dataset', 'orders', '--last-event', 'yesterday'],
      /--last-event must be an ISO-8601 time with a zone/,
    ],
    [
      'a first event after the last',
      ['--dataset', 'orders', '--first-event', '2026-11-28T10:00:00Z', '--last-event', '2026-11-28T09:00:00Z'],
      /--first-event is after --last-event/,
    ],
    ['facts without --dataset', ['--partition', '2026-11-28', '--files', '3'], /--dataset NAME is required/],
    ['a dataset name the server would refuse', ['--dataset', 'daily orders', '--files', '3'], /--dataset: may only hold letters, digits/],
    ['--no-metrics without --dataset', ['--no-metrics'], /nothing to report: metrics are off and no --dataset was given/],
  ];

  it.each(badValues)('refuses %s with exit 2, sending and spooling nothing', async (_what, flags, message) => {
    const wire = await recorder(null);
    const host = await agent({ serverUrl: wire.url, hostKey: 'mk_some-key' });
    const result = await host.run(['collect', ...flags]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(wire.requests).toEqual([]);
    expect(await host.spoolFiles()).toEqual([]);
  });

  it('refuses a dataset name the database would refuse in one-box mode too, leaving nothing in the spool', async () => {
    const host = await agent();
    const result = await host.run(['collect', '--no-metrics', '--dataset', 'daily orders']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^monitor: --dataset: may only hold/);
    expect(await host.spoolFiles()).toEqual([]);
    // The next plain run is not blocked by it.
    expect((await host.run(['collect'])).code).toBe(0);
  });
});
