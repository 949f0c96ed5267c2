// CPU busy % over the whole interval since the previous collect run. The kernel's cumulative tick
// counters (/proc/stat) are saved in the state dir, so a cron run compares against the last run and
// never sleeps; only a first run (or one after a reboot) samples a short window.

import { cpus, uptime } from 'node:os';
import { readFile } from 'node:fs/promises';
import { makePrivateDir } from '../fs/private-dir.js';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { isNotFound, stateDirError } from './errno.js';

/** Cumulative ticks since boot. `guest` and `guest_nice` are left out: the kernel already counts them in user and nice. */
export interface CpuCounters {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

export interface CpuReading {
  counters: CpuCounters;
  /** Boot time in ms since the epoch: counters from an earlier boot cannot be compared. */
  bootTimeMs: number;
}

interface SavedCounters extends CpuReading {
  version: 1;
  takenAtMs: number;
}

export const CPU_COUNTERS_FILE = 'cpu-counters.json';

/** The kernel rounds btime to whole seconds and recomputes it from the clock; a real reboot moves it far more. */
const BOOT_TIME_TOLERANCE_MS = 5_000;

export interface CpuOptions {
  stateDir: string;
  /** First run only: how long to sample. */
  sampleWindowMs: number;
  now: Date;
  /** Root of the proc file system; tests pass a fixture directory. */
  procRoot?: string;
  /** Waits out the first-run window; tests inject one that changes the fixture in between. */
  sleep?: (ms: number) => Promise<void>;
  /** false (collect --print): leave the saved counters as they are, so a look changes no state. */
  saveCounters?: boolean;
}

export interface CpuResult {
  /** Busy % over the measured interval, or null when no tick elapsed in it (nothing to divide by). */
  pct: number | null;
  /** True when there were no usable saved counters and the run sampled for `sampleWindowMs`. */
  sampled: boolean;
}

export async function cpuBusyPct(options: CpuOptions): Promise<CpuResult> {
  const procRoot = options.procRoot ?? '/proc';
  const file = join(options.stateDir, CPU_COUNTERS_FILE);
  const current = await readCpu(procRoot);
  const saved = await loadSaved(file);

  let pct = saved && sameBoot(saved, current) ? busyPct(saved.counters, current.counters) : null;
  let sampled = false;
  let latest = current;
  if (pct === null) {
    // No comparable previous run: this is the only case where collect waits.
    await (options.sleep ?? defaultSleep)(options.sampleWindowMs);
    latest = await readCpu(procRoot);
    pct = busyPct(current.counters, latest.counters);
    sampled = true;
  }
  if (options.saveCounters === false) return { pct, sampled };
  const record: SavedCounters = { version: 1, takenAtMs: options.now.getTime(), ...latest };
  try {
    await makePrivateDir(options.stateDir);
    // Not fsynced: after a power cut a lost or torn file only makes the next run sample (loadSaved),
    // and two fsyncs were a measurable part of the agent's CPU per run.
    await writeFileAtomic(file, JSON.stringify(record), { durable: false });
  } catch (error) {
    throw stateDirError(error, options.stateDir);
  }
  return { pct, sampled };
}

/**
 * Busy share of the ticks between two readings, or null when they are not comparable.
 * iowait counts as idle: the CPU was free to run something else while a process waited on the disk.
 * steal counts as busy: the hypervisor gave the time to another guest, so this host could not use it.
 */
export function busyPct(before: CpuCounters, after: CpuCounters): number | null {
  const fields = Object.keys(after) as (keyof CpuCounters)[];
  // A counter that went backwards means a reboot or a wrap: the difference means nothing.
  if (fields.some((field) => after[field] < before[field])) return null;
  const total = sum(after) - sum(before);
  if (total <= 0) return null;
  const idle = after.idle - before.idle + (after.iowait - before.iowait);
  return (100 * (total - idle)) / total;
}

/** Parses the aggregate `cpu` line and `btime` of /proc/stat. */
export function parseProcStat(text: string): CpuReading {
  const lines = text.split('\n');
  const cpuLine = lines.find((line) => line.startsWith('cpu '));
  const btimeLine = lines.find((line) => line.startsWith('btime '));
  if (!cpuLine || !btimeLine) throw new Error('unexpected /proc/stat format: no "cpu" or "btime" line');
  const values = cpuLine.trim().split(/\s+/).slice(1).map(Number);
  if (values.length < 4 || values.some((value) => !Number.isFinite(value))) {
    throw new Error(`unexpected /proc/stat cpu line: ${cpuLine}`);
  }
  // Kernels before 2.6.11 lack the later columns; absent means zero.
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = values;
  return {
    counters: { user, nice, system, idle, iowait, irq, softirq, steal },
    bootTimeMs: Number(btimeLine.trim().split(/\s+/)[1]) * 1000,
  };
}

async function readCpu(procRoot: string): Promise<CpuReading> {
  let text: string;
  try {
    text = await readFile(join(procRoot, 'stat'), 'utf8');
  } catch (error) {
    if (isNotFound(error)) return readOsCpus();
    throw error;
  }
  return parseProcStat(text);
}

/**
 * Without /proc (macOS, BSD, Windows) Node's own per-core counters (ms) serve the same purpose, with
 * the same saved-counter interval — cheaper than loading systeminformation, and no sleep either.
 */
function readOsCpus(): CpuReading {
  const counters: CpuCounters = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 };
  for (const core of cpus()) {
    counters.user += core.times.user;
    counters.nice += core.times.nice;
    counters.system += core.times.sys;
    counters.idle += core.times.idle;
    counters.irq += core.times.irq;
  }
  return { counters, bootTimeMs: Math.round(Date.now() - uptime() * 1000) };
}

async function loadSaved(file: string): Promise<SavedCounters | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<SavedCounters> | null;
    // A corrupt or foreign file only costs one sampled run; it never stops collect.
    if (!parsed || parsed.version !== 1 || typeof parsed.bootTimeMs !== 'number' || typeof parsed.takenAtMs !== 'number') {
      return null;
    }
    const counters = parsed.counters as Partial<CpuCounters> | undefined;
    if (!counters) return null;
    const fields: (keyof CpuCounters)[] = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'];
    if (fields.some((field) => typeof counters[field] !== 'number')) return null;
    return parsed as SavedCounters;
  } catch {
    return null;
  }
}

function sameBoot(saved: SavedCounters, current: CpuReading): boolean {
  if (Math.abs(saved.bootTimeMs - current.bootTimeMs) > BOOT_TIME_TOLERANCE_MS) return false;
  // Counters saved before this boot (clock set back, restored state dir) are from another life.
  return saved.takenAtMs >= current.bootTimeMs - BOOT_TIME_TOLERANCE_MS;
}

function sum(counters: CpuCounters): number {
  return (
    counters.user + counters.nice + counters.system + counters.idle + counters.iowait + counters.irq + counters.softirq + counters.steal
  );
}

function defaultSleep(ms: number): Promise<void> {
  // A plain timer: node:timers/promises would be one more module to load on every run.
  return new Promise((resolve) => setTimeout(resolve, ms));
}
