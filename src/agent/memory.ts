// Memory used %, the way `free` reports it: what is not available to new programs without swapping.
// Page cache is reclaimable, so counting it as used (MemTotal - MemFree) would alert on every busy
// file server; the kernel's own MemAvailable estimate is the honest number.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isNotFound } from './errno.js';

export async function memoryUsedPct(options: { procRoot?: string } = {}): Promise<number> {
  let text: string;
  try {
    text = await readFile(join(options.procRoot ?? '/proc', 'meminfo'), 'utf8');
  } catch (error) {
    if (isNotFound(error)) return memoryUsedPctWithoutProc();
    throw error;
  }
  return memoryPctFromMeminfo(text);
}

/** 100 * (MemTotal - MemAvailable) / MemTotal from the text of /proc/meminfo. */
export function memoryPctFromMeminfo(text: string): number {
  const fields = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\w+(?:\(\w+\))?):\s+(\d+)/.exec(line);
    if (match) fields.set(match[1]!, Number(match[2]));
  }
  const total = fields.get('MemTotal');
  if (!total) throw new Error('unexpected /proc/meminfo format: no MemTotal');
  // Kernels before 3.14 have no MemAvailable; free, buffers and page cache is what `free` used then.
  const available = fields.get('MemAvailable') ?? (fields.get('MemFree') ?? 0) + (fields.get('Buffers') ?? 0) + (fields.get('Cached') ?? 0);
  return clampPct((100 * (total - available)) / total);
}

/** Other platforms: systeminformation knows each one's notion of available memory. Loaded only here. */
async function memoryUsedPctWithoutProc(): Promise<number> {
  const si = await import('systeminformation');
  const mem = await si.mem();
  if (!mem.total) throw new Error('systeminformation reported no memory total');
  return clampPct((100 * (mem.total - mem.available)) / mem.total);
}

function clampPct(pct: number): number {
  return Math.min(100, Math.max(0, pct));
}
