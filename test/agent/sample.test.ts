import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectReport, round2, sampleHost } from '../../src/agent/sample.js';
import { ConfigError, UsageError } from '../../src/errors.js';
import { advance, counters, writeMeminfo, writeProcStat } from './helpers/proc-fixture.js';
import { tempDir } from '../support/temp-dir.js';

const BOOT = 1_700_000_000;
const now = new Date('2024-06-01T12:00:00Z');

async function fixture() {
  const root = await tempDir();
  const procRoot = join(root, 'proc');
  const start = counters({ user: 100, idle: 200 });
  await writeProcStat(procRoot, start, BOOT);
  // 1/3 used: rounding must show.
  await writeMeminfo(procRoot, { MemTotal: 300, MemFree: 100, MemAvailable: 200 });
  return {
    procRoot,
    stateDir: join(root, 'state'),
    // 1 busy of 3 ticks in the first-run window.
    sleep: () => writeProcStat(procRoot, advance(start, { user: 1, idle: 2 }), BOOT),
  };
}

describe('host sample', () => {
  it('gathers cpu, memory, disk and load into one report rounded to two decimals', async () => {
    const { procRoot, stateDir, sleep } = await fixture();
    const report = await sampleHost({ hostName: 'web-01', now, stateDir, mounts: ['/'], sampleWindowMs: 1, procRoot, sleep });
    expect(report).toMatchObject({
      hostName: 'web-01',
      collectedAt: now,
      cpuPct: 33.33,
      memPct: 33.33,
      datasetName: null,
      filesCount: null,
    });
    expect(report.diskPct).toBe(round2(report.diskPct!));
    expect(report.diskPct!).toBeGreaterThan(0);
    expect(report.load1).not.toBeNull();
    expect(report.load1).toBe(round2(report.load1!));
  });

  it('fails with a config error when a configured mount is missing', async () => {
    const { procRoot, stateDir, sleep } = await fixture();
    const mounts = ['/', join(stateDir, 'nope')];
    await expect(sampleHost({ hostName: 'web-01', now, stateDir, mounts, sampleWindowMs: 1, procRoot, sleep })).rejects.toBeInstanceOf(
      ConfigError,
    );
  });

  it('samples the real machine', async () => {
    const stateDir = join(await tempDir(), 'state');
    const report = await sampleHost({ hostName: 'real', now: new Date(), stateDir, mounts: ['/'], sampleWindowMs: 100 });
    for (const value of [report.cpuPct, report.memPct, report.diskPct]) {
      expect(value).not.toBeNull();
      expect(value!).toBeGreaterThanOrEqual(0);
      expect(value!).toBeLessThanOrEqual(100);
    }
  });
});

describe('collect report', () => {
  const pipeline = { datasetName: 'orders', partitionKey: '2024-06-01', filesCount: 24, firstEventAt: null, lastEventAt: null };

  it('adds pipeline facts to the host metrics', async () => {
    const { procRoot, stateDir, sleep } = await fixture();
    const report = await collectReport({
      hostName: 'etl-01',
      now,
      stateDir,
      mounts: ['/'],
      sampleWindowMs: 1,
      procRoot,
      sleep,
      metrics: true,
      pipeline,
    });
    expect(report).toMatchObject({ cpuPct: 33.33, memPct: 33.33, datasetName: 'orders', partitionKey: '2024-06-01', filesCount: 24 });
  });

  it('sends only pipeline facts when metrics are off, without sampling (so without any wait)', async () => {
    const report = await collectReport({
      hostName: 'etl-01',
      now,
      stateDir: '/nonexistent/state',
      mounts: ['/nonexistent'],
      sampleWindowMs: 60_000,
      sleep: () => Promise.reject(new Error('sampled although metrics are off')),
      metrics: false,
      pipeline,
    });
    expect(report).toMatchObject({ hostName: 'etl-01', cpuPct: null, memPct: null, diskPct: null, load1: null, datasetName: 'orders' });
  });

  it('refuses a run with neither metrics nor pipeline facts', async () => {
    await expect(
      collectReport({ hostName: 'x', now, stateDir: '/tmp', mounts: ['/'], sampleWindowMs: 1, metrics: false, pipeline: null }),
    ).rejects.toBeInstanceOf(UsageError);
  });
});
