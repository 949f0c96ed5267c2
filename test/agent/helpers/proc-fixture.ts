// A fake /proc root: the files the agent reads, with the layout the kernel uses.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CpuCounters } from '../../../src/agent/cpu.js';

export interface StatFixture extends CpuCounters {
  guest?: number;
  guestNice?: number;
}

export async function writeProcStat(procRoot: string, cpu: StatFixture, btimeSec: number): Promise<void> {
  const { user, nice, system, idle, iowait, irq, softirq, steal, guest = 0, guestNice = 0 } = cpu;
  const line = [user, nice, system, idle, iowait, irq, softirq, steal, guest, guestNice].join(' ');
  await mkdir(procRoot, { recursive: true });
  await writeFile(
    join(procRoot, 'stat'),
    [
      `cpu  ${line}`,
      `cpu0 ${line}`,
      'intr 12345 0 0',
      'ctxt 987654',
      `btime ${btimeSec}`,
      'processes 4242',
      'procs_running 1',
      'procs_blocked 0',
      '',
    ].join('\n'),
  );
}

export function counters(values: Partial<StatFixture> = {}): StatFixture {
  return { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0, ...values };
}

/** `base` plus `delta`, field by field. */
export function advance(base: StatFixture, delta: Partial<StatFixture>): StatFixture {
  const next: StatFixture = { ...base };
  for (const [key, value] of Object.entries(delta) as [keyof StatFixture, number][]) {
    next[key] = (base[key] ?? 0) + value;
  }
  return next;
}

export async function writeMeminfo(procRoot: string, fields: Record<string, number>): Promise<void> {
  await mkdir(procRoot, { recursive: true });
  const text = Object.entries(fields)
    .map(([name, kb]) => `${`${name}:`.padEnd(16)}${String(kb).padStart(8)} kB`)
    .join('\n');
  await writeFile(join(procRoot, 'meminfo'), `${text}\n`);
}
