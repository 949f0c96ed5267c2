// The agent as a real process: killed with SIGKILL in the middle of a flush, and sampling the real
// machine the way a cron run does.

import { spawn, execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { deliverWithSpool } from '../../src/agent/deliver.js';
import { sendReports } from '../../src/agent/send.js';
import { Spool } from '../../src/agent/spool.js';
import type { Logger } from '../../src/context.js';
import type { Report } from '../../src/reports/report.js';
import { compileAgent } from './helpers/compile-agent.js';
import { closedPortUrl, startIngestServer } from './helpers/ingest-server.js';
import { tempDir } from '../support/temp-dir.js';
import { newReport } from '../support/samples.js';
import { useCleanups } from '../support/cleanups.js';

const KEY = 'agent-key-0123456789abcdef';
const T0 = Date.parse('2024-06-08T12:00:00Z');
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const limits = { maxBytes: 10 * 1024 * 1024, maxAgeMs: 7 * 86_400_000 };

const defer = useCleanups();

const reportAt = (minute: number): Report => newReport(new Date(T0 + minute * 60_000), { cpuPct: minute, memPct: 1, diskPct: 1, load1: 1 });

const COLLECT_RUN = `
import { Spool } from './src/agent/spool.js';
import { deliverWithSpool } from './src/agent/deliver.js';
import { sendReports } from './src/agent/send.js';
const [stateDir, serverUrl, key, minute] = process.argv.slice(2);
const log = { debug() {}, info() {}, warn() {}, error() {} };
const report = {
  hostName: 'web-01', collectedAt: new Date(${T0} + Number(minute) * 60000), cpuPct: Number(minute), memPct: 1, diskPct: 1, load1: 1,
  datasetName: null, partitionKey: null, filesCount: null, firstEventAt: null, lastEventAt: null,
};
const summary = await deliverWithSpool({
  spool: Spool.inStateDir(stateDir), report, batchSize: 100, log, now: report.collectedAt,
  limits: { maxBytes: 10 * 1024 * 1024, maxAgeMs: 7 * 86400000 },
  send: (reports) => sendReports({ serverUrl, hostKey: key, reports, timeoutMs: 60000 }),
});
console.log(JSON.stringify(summary));
`;

describe('collect as a process', () => {
  it('loses nothing when killed mid-flush after the server stored the batch but before it answered', async () => {
    const stateDir = await tempDir();
    const spool = Spool.inStateDir(stateDir);
    const dead = await closedPortUrl();
    for (const minute of [0, 1]) {
      await deliverWithSpool({
        spool,
        report: reportAt(minute),
        batchSize: 100,
        log: silent,
        now: reportAt(minute).collectedAt,
        limits,
        send: (reports) => sendReports({ serverUrl: dead, hostKey: KEY, reports, timeoutMs: 2000 }),
      });
    }

    const server = await startIngestServer({ [KEY]: 'web-01' });
    defer(() => server.close());
    let stored!: () => void;
    const batchStored = new Promise<void>((resolve) => (stored = resolve));
    // Commit, then never answer: the child is killed while waiting for the acknowledgement.
    server.afterStore = () => {
      stored();
      return new Promise<void>(() => undefined);
    };

    const agent = await compileAgent();
    await writeFile(join(agent, 'collect-run.mjs'), COLLECT_RUN);
    const child = spawn(process.execPath, [join(agent, 'collect-run.mjs'), stateDir, server.url, KEY, '2'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // A child that dies on its own must fail the test now, not after the test timeout.
    await Promise.race([batchStored, exited.then(() => Promise.reject(new Error(`collect exited before sending: ${stderr}`)))]);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    expect(server.stored.map((report) => report.cpu_pct)).toEqual([0, 1]);
    // Nothing was removed: the two acknowledged-by-commit reports and the child's own are all still spooled.
    expect((await spool.list()).flatMap((entry) => entry.reports.map((report) => report.cpu_pct))).toEqual([0, 1, 2]);

    // The next run takes over the dead run's lock, re-sends, and the server keeps each report once.
    server.afterStore = null;
    const summary = await deliverWithSpool({
      spool,
      report: reportAt(3),
      batchSize: 100,
      log: silent,
      now: reportAt(3).collectedAt,
      limits,
      send: (reports) => sendReports({ serverUrl: server.url, hostKey: KEY, reports, timeoutMs: 2000 }),
    });
    expect(summary).toMatchObject({ sent: 4, spooled: 0, deferred: false });
    // The killed run's pair went out again: 2 reports before the kill, 4 after.
    expect(server.requests.reduce((total, reports) => total + reports, 0)).toBe(6);
    expect(server.stored.map((report) => report.cpu_pct)).toEqual([0, 1, 2, 3]);
  });

  it('samples a Linux host without loading systeminformation, and sleeps only on the first run', async () => {
    const agent = await compileAgent();
    const stateDir = await tempDir();
    await writeFile(
      join(agent, 'sample-run.mjs'),
      `
import { createRequire } from 'node:module';
import { sampleHost } from './src/agent/sample.js';
import { memoryUsedPct } from './src/agent/memory.js';
const options = { hostName: 'real', stateDir: ${JSON.stringify(stateDir)}, mounts: ['/'], sampleWindowMs: 100 };
await sampleHost({ ...options, now: new Date() });
// A minute of cron in miniature: let the CPU counters move on.
for (const until = Date.now() + 50; Date.now() < until; ) Math.sqrt(Math.random());
const second = await sampleHost({ ...options, now: new Date(), sleep: () => { throw new Error('slept on a second run'); } });
const siLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/systeminformation/'));
const loadedOnLinux = siLoaded();
// The same probe does see it once the non-Linux fallback runs, so its "false" above means something.
await memoryUsedPct({ procRoot: '/nonexistent-proc' });
console.log(JSON.stringify({ second, loadedOnLinux, loadedByFallback: siLoaded() }));
`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, [join(agent, 'sample-run.mjs')]);
    const result = JSON.parse(stdout) as { second: Record<string, unknown>; loadedOnLinux: boolean; loadedByFallback: boolean };
    const { second } = result;
    expect(result.loadedOnLinux).toBe(false);
    expect(result.loadedByFallback).toBe(true);
    expect(second.hostName).toBe('real');
    expect(typeof second.memPct).toBe('number');
  });
});
