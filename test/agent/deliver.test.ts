import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deliverWithSpool, type DeliverOptions, type SendBatch } from '../../src/agent/deliver.js';
import { sendReports } from '../../src/agent/send.js';
import { tryFlushLock } from '../../src/agent/spool-lock.js';
import { Spool } from '../../src/agent/spool.js';
import { RejectedError } from '../../src/errors.js';
import type { Report } from '../../src/reports/report.js';
import { closedPortUrl, startIngestServer, type IngestServer } from './helpers/ingest-server.js';
import { tempDir } from '../support/temp-dir.js';
import { newReport } from '../support/samples.js';
import { memoryLog } from '../support/memory-log.js';
import { useCleanups } from '../support/cleanups.js';

const KEY = 'agent-key-0123456789abcdef';
const T0 = new Date('2024-06-08T12:00:00Z').getTime();
const MINUTE = 60_000;
const DAY = 86_400_000;
const limits = { maxBytes: 10 * 1024 * 1024, maxAgeMs: 7 * DAY };

const defer = useCleanups();

const reportAt = (minute: number, cpuPct = 10): Report =>
  newReport(new Date(T0 + minute * MINUTE), { cpuPct, memPct: 50, diskPct: 60, load1: 1 });

async function ingest(): Promise<IngestServer> {
  const server = await startIngestServer({ [KEY]: 'web-01' });
  defer(() => server.close());
  return server;
}

function httpSend(serverUrl: string, timeoutMs = 2000): SendBatch {
  return (reports) => sendReports({ serverUrl, hostKey: KEY, reports, timeoutMs });
}

function run(spool: Spool, minute: number, send: SendBatch, extra: Partial<DeliverOptions> = {}) {
  const log = memoryLog();
  const options: DeliverOptions = {
    spool,
    report: reportAt(minute, minute % 100),
    send,
    batchSize: 100,
    limits,
    now: new Date(T0 + minute * MINUTE),
    log,
    ...extra,
  };
  return { log, result: deliverWithSpool(options) };
}

async function newSpool(): Promise<Spool> {
  return Spool.inStateDir(await tempDir());
}

/** Fills the spool as runs against a dead server would. */
async function spoolWhileDown(spool: Spool, minutes: number[]): Promise<void> {
  const dead = httpSend(await closedPortUrl());
  for (const minute of minutes) await run(spool, minute, dead).result;
}

describe('collect delivery', () => {
  it('spools the report when the server is down, then the next run stores both, once each, oldest first', async () => {
    const spool = await newSpool();
    const down = run(spool, 0, httpSend(await closedPortUrl()));
    const first = await down.result;
    expect(first).toMatchObject({ sent: 0, spooled: 1, dropped: 0, deferred: false });
    expect(first.unavailable).toContain('ECONNREFUSED');
    expect(down.log.texts().join('\n')).toMatch(
      /info: server not reached: connection refused .*; 1 report\(s\) kept in .*spool, sent first next run/,
    );

    const server = await ingest();
    const second = await run(spool, 1, httpSend(server.url)).result;
    expect(second).toEqual({ sent: 2, spooled: 0, dropped: 0, unavailable: null, deferred: false });
    expect(server.stored.map((report) => report.collected_at)).toEqual([
      reportAt(0).collectedAt.toISOString(),
      reportAt(1).collectedAt.toISOString(),
    ]);
    expect(await spool.list()).toEqual([]);
  });

  it('sends a lone report in one request and leaves the spool empty', async () => {
    const spool = await newSpool();
    const server = await ingest();
    expect(await run(spool, 0, httpSend(server.url)).result).toMatchObject({ sent: 1, spooled: 0 });
    expect(server.requests).toEqual([1]);
    expect(await readdir(spool.dir)).toEqual([]);
  });

  it('flushes the spool in batches, oldest first, and sends the new report last on its own', async () => {
    const spool = await newSpool();
    await spoolWhileDown(spool, [0, 1, 2, 3, 4]);
    const server = await ingest();
    const summary = await run(spool, 5, httpSend(server.url), { batchSize: 2 }).result;
    expect(summary).toMatchObject({ sent: 6, spooled: 0 });
    expect(server.requests).toEqual([2, 2, 1, 1]);
    expect(server.stored.map((report) => report.cpu_pct)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('stops at the first unavailable answer and keeps everything not acknowledged', async () => {
    const spool = await newSpool();
    await spoolWhileDown(spool, [0, 1, 2, 3]);
    const server = await ingest();
    let calls = 0;
    const flaky: SendBatch = async (reports) => {
      calls += 1;
      if (calls === 2) server.override = { status: 503, body: { error: 'database unavailable' } };
      return httpSend(server.url)(reports);
    };
    const summary = await run(spool, 4, flaky, { batchSize: 2 }).result;
    expect(summary).toMatchObject({ sent: 2, spooled: 3 });
    expect(summary.unavailable).toContain('503: database unavailable');
    expect(calls).toBe(2);
    expect((await spool.list()).flatMap((entry) => entry.reports.map((r) => r.cpu_pct))).toEqual([2, 3, 4]);

    server.override = null;
    expect(await run(spool, 5, httpSend(server.url)).result).toMatchObject({ sent: 4, spooled: 0 });
    expect(server.stored.map((report) => report.cpu_pct)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('loses nothing when the run dies after the server stored a batch but before the spool file was removed', async () => {
    const spool = await newSpool();
    await spoolWhileDown(spool, [0, 1]);
    const server = await ingest();
    const diesAfterAck: SendBatch = async (reports) => {
      const result = await httpSend(server.url)(reports);
      expect(result.kind).toBe('accepted');
      throw new Error('killed');
    };
    await expect(run(spool, 2, diesAfterAck).result).rejects.toThrow('killed');
    expect(server.stored).toHaveLength(2);
    // All three still on disk: the batch was acknowledged but never removed, the new one never sent.
    expect(await spool.size()).toBe(3);

    const summary = await run(spool, 3, httpSend(server.url)).result;
    expect(summary).toMatchObject({ sent: 4, spooled: 0 });
    // The pair was sent again (the agent cannot know it had landed) and is still there once each:
    // 2 reports before the kill, then all 4 (the pair again, and the two newer ones).
    expect(server.requests.reduce((total, reports) => total + reports, 0)).toBe(6);
    expect(server.stored.map((report) => report.cpu_pct)).toEqual([0, 1, 2, 3]);
  });

  it('does not spool a report the server refuses, and fails with the reason (exit 1)', async () => {
    const spool = await newSpool();
    const server = await ingest();
    const error = await run(spool, 0, (reports) =>
      sendReports({ serverUrl: server.url, hostKey: 'revoked', reports, timeoutMs: 2000 }),
    ).result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RejectedError);
    expect((error as RejectedError).status).toBe(401);
    expect((error as RejectedError).exitCode).toBe(1);
    expect((error as RejectedError).message).toBe('server refused the report (401): unknown host key');
    expect((error as RejectedError).hint).toContain('agent.host_key');
    expect(await spool.size()).toBe(0);
  });

  it('keeps spooled reports when the key is refused, so fixing the key later loses nothing', async () => {
    const spool = await newSpool();
    await spoolWhileDown(spool, [0, 1]);
    const server = await ingest();
    const badKey: SendBatch = (reports) => sendReports({ serverUrl: server.url, hostKey: 'revoked', reports, timeoutMs: 2000 });
    const error = await run(spool, 2, badKey).result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RejectedError);
    expect((error as Error).message).toMatch(
      /^server refused spooled reports \(401\): unknown host key; 2 reports stay in .*spool until this is fixed$/,
    );
    // The older two wait; this run's own report was refused, so it is not kept.
    expect((await spool.list()).flatMap((entry) => entry.reports.map((r) => r.cpu_pct))).toEqual([0, 1]);

    expect(await run(spool, 3, httpSend(server.url)).result).toMatchObject({ sent: 3, spooled: 0 });
    expect(server.stored.map((report) => report.cpu_pct)).toEqual([0, 1, 3]);
  });

  it('sets aside a spooled report the server refuses for its content, delivers the rest, then fails', async () => {
    const spool = await newSpool();
    await spoolWhileDown(spool, [0]);
    await spool.append([reportAt(1, 150)]); // invalid: cpu over 100
    await spoolWhileDown(spool, [2]);
    const server = await ingest();
    const { result, log } = run(spool, 3, httpSend(server.url));
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RejectedError);
    expect((error as RejectedError).status).toBe(400);
    expect((error as Error).message).toMatch(
      /^server refused 1 spooled report\(s\) \(400\): cpu_pct must be between 0 and 100; set aside in /,
    );
    expect(server.stored.map((report) => report.cpu_pct)).toEqual([0, 2, 3]);
    expect(await spool.size()).toBe(0);
    expect(await readdir(join(spool.dir, 'set-aside'))).toHaveLength(1);
    expect(log.texts().some((line) => line.startsWith('error: server refused 1 spooled report(s) (400)'))).toBe(true);

    // The next run is not blocked by it.
    expect(await run(spool, 4, httpSend(server.url)).result).toMatchObject({ sent: 1, spooled: 0 });
  });

  it('sets an unreadable spool file aside with a warning naming it, and sends the rest', async () => {
    const spool = await newSpool();
    await spoolWhileDown(spool, [0]);
    const corrupt = '000000000000001-000001-deadbeef.json';
    await writeFile(join(spool.dir, corrupt), '{"version":1,"reports":');
    const server = await ingest();
    const { result, log } = run(spool, 1, httpSend(server.url));
    expect(await result).toMatchObject({ sent: 2, spooled: 0 });
    expect(log.texts()).toContain(`warn: set aside unreadable spool file ${corrupt} in ${spool.dir}/set-aside`);
    expect(await readdir(join(spool.dir, 'set-aside'))).toEqual([`${corrupt}.corrupt`]);
  });

  it('a report too large for the server: refused, and the hint names the config key to raise', async () => {
    const spool = await newSpool();
    const tooLarge: SendBatch = () => Promise.resolve({ kind: 'rejected', status: 413, message: 'request body larger than 1 MiB' });
    const error = await run(spool, 0, tooLarge).result.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RejectedError);
    expect((error as Error).message).toBe('server refused the report (413): request body larger than 1 MiB');
    expect((error as RejectedError).hint).toBe("the report is larger than the server's server.max_body");
    expect(await spool.size()).toBe(0);
  });

  it('drops spooled reports past the age limit with a warning that counts them', async () => {
    const spool = await newSpool();
    await spoolWhileDown(spool, [0, 1, 2]);
    const server = await ingest();
    const eightDaysLater = (8 * DAY) / MINUTE;
    const { result, log } = run(spool, eightDaysLater, httpSend(server.url));
    expect(await result).toMatchObject({ sent: 1, dropped: 3, spooled: 0 });
    expect(log.texts()).toContain('warn: dropped 3 spooled reports older than 7d');
    expect(server.stored).toHaveLength(1);
  });

  it('drops the oldest spooled reports over the size limit with a warning that counts them', async () => {
    const spool = await newSpool();
    await spoolWhileDown(spool, [0, 1, 2, 3]);
    const fileSize = (await spool.list())[0]!.bytes;
    const server = await ingest();
    const { result, log } = run(spool, 4, httpSend(server.url), { limits: { maxBytes: 2 * fileSize + 10, maxAgeMs: 7 * DAY } });
    expect(await result).toMatchObject({ sent: 2, dropped: 3 });
    expect(log.texts()).toContain(`warn: dropped 3 spooled reports over ${2 * fileSize + 10}B`);
    expect(server.stored.map((report) => report.cpu_pct)).toEqual([3, 4]);
  });

  it('leaves the spool to an overlapping run that is flushing it, keeping this report for the next run', async () => {
    const spool = await newSpool();
    const server = await ingest();
    const release = await tryFlushLock(spool.dir, { now: new Date(), staleAfterMs: 10 * MINUTE });
    const summary = await run(spool, 0, httpSend(server.url)).result;
    expect(summary).toMatchObject({ deferred: true, sent: 0, spooled: 1 });
    expect(server.requests).toEqual([]);
    await release!();
    expect(await run(spool, 1, httpSend(server.url)).result).toMatchObject({ sent: 2, spooled: 0 });
  });
});
