import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { busyPct, cpuBusyPct, CPU_COUNTERS_FILE, parseProcStat } from '../../src/agent/cpu.js';
import { advance, counters, writeProcStat } from './helpers/proc-fixture.js';
import { tempDir } from '../support/temp-dir.js';

const BOOT = 1_700_000_000;
const now = new Date('2024-06-01T12:00:00Z');

function noSleep(): Promise<void> {
  throw new Error('collect slept although saved counters were usable');
}

async function setup() {
  const root = await tempDir();
  return { procRoot: join(root, 'proc'), stateDir: join(root, 'state') };
}

describe('cpu busy %', () => {
  it('samples for the configured window on the first run, then measures the whole interval since it without sleeping', async () => {
    const { procRoot, stateDir } = await setup();
    const start = counters({ user: 1000, system: 500, idle: 8000, iowait: 500 });
    await writeProcStat(procRoot, start, BOOT);
    // The window: 30 user + 10 system busy, 50 idle + 10 iowait free -> 40%.
    const afterWindow = advance(start, { user: 30, system: 10, idle: 50, iowait: 10 });
    const windows: number[] = [];
    const first = await cpuBusyPct({
      stateDir,
      procRoot,
      now,
      sampleWindowMs: 250,
      sleep: async (ms) => {
        windows.push(ms);
        await writeProcStat(procRoot, afterWindow, BOOT);
      },
    });
    expect(windows).toEqual([250]);
    expect(first).toEqual({ pct: 40, sampled: true });

    // A minute later: 150+10 user/nice, 20 system, 20 steal busy; 700 idle + 100 iowait -> 200 of 1000 = 20%.
    // Guest time is already inside user, so its growth must not count twice.
    const minuteLater = advance(afterWindow, { user: 150, nice: 10, system: 20, steal: 20, idle: 700, iowait: 100, guest: 5000 });
    await writeProcStat(procRoot, minuteLater, BOOT);
    const second = await cpuBusyPct({ stateDir, procRoot, now: new Date(now.getTime() + 60_000), sampleWindowMs: 250, sleep: noSleep });
    expect(second).toEqual({ pct: 20, sampled: false });
  });

  it('keeps the latest reading in the state dir for the next run', async () => {
    const { procRoot, stateDir } = await setup();
    const reading = counters({ user: 10, idle: 90 });
    await writeProcStat(procRoot, reading, BOOT);
    await cpuBusyPct({
      stateDir,
      procRoot,
      now,
      sampleWindowMs: 1,
      sleep: () => writeProcStat(procRoot, advance(reading, { user: 7, idle: 3 }), BOOT),
    });
    const saved = JSON.parse(await readFile(join(stateDir, CPU_COUNTERS_FILE), 'utf8')) as {
      counters: unknown;
      bootTimeMs: unknown;
      takenAtMs: unknown;
    };
    expect(saved.counters).toMatchObject({ user: 17, idle: 93 });
    expect(saved.bootTimeMs).toBe(BOOT * 1000);
    expect(saved.takenAtMs).toBe(now.getTime());
  });

  it('samples again after a reboot instead of comparing counters from the previous boot', async () => {
    const { procRoot, stateDir } = await setup();
    const before = counters({ user: 900_000, idle: 9_000_000 });
    await writeProcStat(procRoot, before, BOOT);
    await cpuBusyPct({
      stateDir,
      procRoot,
      now,
      sampleWindowMs: 1,
      sleep: () => writeProcStat(procRoot, advance(before, { user: 1, idle: 1 }), BOOT),
    });

    const rebooted = counters({ user: 100, idle: 400 });
    await writeProcStat(procRoot, rebooted, BOOT + 3600);
    const windows: number[] = [];
    const result = await cpuBusyPct({
      stateDir,
      procRoot,
      now: new Date(now.getTime() + 3_700_000),
      sampleWindowMs: 500,
      sleep: async (ms) => {
        windows.push(ms);
        await writeProcStat(procRoot, advance(rebooted, { user: 25, idle: 75 }), BOOT + 3600);
      },
    });
    expect(windows).toEqual([500]);
    expect(result).toEqual({ pct: 25, sampled: true });
  });

  it('samples again when the saved counters are corrupt', async () => {
    const { procRoot, stateDir } = await setup();
    const reading = counters({ user: 10, idle: 90 });
    await writeProcStat(procRoot, reading, BOOT);
    await cpuBusyPct({
      stateDir,
      procRoot,
      now,
      sampleWindowMs: 1,
      sleep: () => writeProcStat(procRoot, advance(reading, { user: 1, idle: 1 }), BOOT),
    });
    await writeFile(join(stateDir, CPU_COUNTERS_FILE), '{"version":1,"counters":');

    let slept = false;
    const result = await cpuBusyPct({
      stateDir,
      procRoot,
      now,
      sampleWindowMs: 1,
      sleep: async () => {
        slept = true;
        await writeProcStat(procRoot, advance(reading, { user: 11, idle: 11 }), BOOT);
      },
    });
    expect(slept).toBe(true);
    expect(result.pct).toBe(50);
  });

  it('samples again when no tick elapsed since the previous run', async () => {
    const { procRoot, stateDir } = await setup();
    const reading = counters({ user: 10, idle: 90 });
    await writeProcStat(procRoot, reading, BOOT);
    await cpuBusyPct({
      stateDir,
      procRoot,
      now,
      sampleWindowMs: 1,
      sleep: () => writeProcStat(procRoot, advance(reading, { idle: 10 }), BOOT),
    });

    let slept = false;
    const result = await cpuBusyPct({
      stateDir,
      procRoot,
      now,
      sampleWindowMs: 1,
      sleep: async () => {
        slept = true;
        await writeProcStat(procRoot, advance(reading, { user: 10, idle: 20 }), BOOT);
      },
    });
    expect(slept).toBe(true);
    expect(result.pct).toBe(50);
  });

  it('reports no CPU value rather than a made-up one when even the window saw no tick', async () => {
    const { procRoot, stateDir } = await setup();
    await writeProcStat(procRoot, counters({ user: 10, idle: 90 }), BOOT);
    const result = await cpuBusyPct({ stateDir, procRoot, now, sampleWindowMs: 1, sleep: () => Promise.resolve() });
    expect(result).toEqual({ pct: null, sampled: true });
  });

  it('measures the real /proc/stat over a short first-run window', async () => {
    const { stateDir } = await setup();
    const result = await cpuBusyPct({ stateDir, now, sampleWindowMs: 100 });
    expect(result.sampled).toBe(true);
    expect(result.pct).not.toBeNull();
    expect(result.pct!).toBeGreaterThanOrEqual(0);
    expect(result.pct!).toBeLessThanOrEqual(100);
  });

  it('falls back to the operating system counters where there is no /proc/stat', async () => {
    const root = await tempDir();
    const stateDir = join(root, 'state');
    const burn = () => {
      const until = Date.now() + 60;
      while (Date.now() < until) Math.sqrt(Math.random());
      return Promise.resolve();
    };
    const first = await cpuBusyPct({ stateDir, procRoot: join(root, 'no-proc'), now: new Date(), sampleWindowMs: 60, sleep: burn });
    expect(first.sampled).toBe(true);
    expect(first.pct!).toBeGreaterThan(0);
    await burn();
    const second = await cpuBusyPct({ stateDir, procRoot: join(root, 'no-proc'), now: new Date(), sampleWindowMs: 60, sleep: noSleep });
    expect(second.sampled).toBe(false);
    expect(second.pct!).toBeGreaterThan(0);
    expect(second.pct!).toBeLessThanOrEqual(100);
  });
});

describe('busy share of an interval', () => {
  it('counts iowait as idle and steal as busy', () => {
    const before = counters();
    expect(busyPct(before, counters({ iowait: 50, idle: 50 }))).toBe(0);
    expect(busyPct(before, counters({ steal: 50, idle: 50 }))).toBe(50);
    expect(busyPct(before, counters({ irq: 5, softirq: 5, system: 10, user: 20, idle: 60 }))).toBe(40);
  });

  it('refuses to compare counters that went backwards', () => {
    expect(busyPct(counters({ user: 100, idle: 100 }), counters({ user: 50, idle: 500 }))).toBeNull();
  });
});

describe('/proc/stat parsing', () => {
  it('reads the aggregate cpu line and boot time, leaving guest columns out', () => {
    const text = 'cpu  1 2 3 4 5 6 7 8 9 10\ncpu0 1 2 3 4 5 6 7 8 9 10\nbtime 1700000000\n';
    expect(parseProcStat(text)).toEqual({
      counters: { user: 1, nice: 2, system: 3, idle: 4, iowait: 5, irq: 6, softirq: 7, steal: 8 },
      bootTimeMs: 1_700_000_000_000,
    });
  });

  it('treats the columns old kernels lack as zero', () => {
    expect(parseProcStat('cpu  1 2 3 4\nbtime 5\n').counters).toEqual({
      user: 1,
      nice: 2,
      system: 3,
      idle: 4,
      iowait: 0,
      irq: 0,
      softirq: 0,
      steal: 0,
    });
  });

  it('names the problem when the file is not /proc/stat', () => {
    expect(() => parseProcStat('hello\n')).toThrow(/\/proc\/stat/);
  });
});
