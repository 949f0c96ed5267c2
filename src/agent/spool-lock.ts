// Keeps two overlapping collect runs (a slow run and the next cron minute) from flushing the same
// spool files at the same time. Only an optimisation: the server stores a re-sent report once, so a
// lost race costs a duplicate request, never data. Hence a plain O_EXCL lock file, broken when its
// owner is dead or it is older than `staleAfterMs` (a run killed with -9 never releases it).

import { makePrivateDir } from '../fs/private-dir.js';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode, isNotFound } from './errno.js';
import { uniqueSuffix } from '../fs/unique-suffix.js';
import { isProcessAlive } from '../system/process-alive.js';

export const FLUSH_LOCK_FILE = '.flush.lock';

interface LockRecord {
  pid: number;
  atMs: number;
  token: string;
}

export type ReleaseLock = () => Promise<void>;

/** Takes the flush lock of a spool dir; null when a live run holds it. */
export async function tryFlushLock(dir: string, options: { now: Date; staleAfterMs: number }): Promise<ReleaseLock | null> {
  await makePrivateDir(dir);
  const path = join(dir, FLUSH_LOCK_FILE);
  const record: LockRecord = { pid: process.pid, atMs: options.now.getTime(), token: uniqueSuffix() };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(record));
      } finally {
        await handle.close();
      }
      return () => releaseIfOurs(path, record.token);
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
    }
    if (!(await isStale(path, options))) return null;
    // Two runs may both judge it stale and both take it; that only means a duplicate flush.
    await unlink(path).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  }
  return null;
}

async function isStale(path: string, options: { now: Date; staleAfterMs: number }): Promise<boolean> {
  let holder: Partial<LockRecord> | null = null;
  try {
    holder = JSON.parse(await readFile(path, 'utf8')) as Partial<LockRecord>;
  } catch (error) {
    if (isNotFound(error)) return true;
    holder = null; // empty or torn: its owner died between open and write, or is writing right now
  }
  if (holder && typeof holder.pid === 'number' && typeof holder.atMs === 'number') {
    if (!isProcessAlive(holder.pid)) return true;
    return options.now.getTime() - holder.atMs > options.staleAfterMs;
  }
  try {
    return options.now.getTime() - (await stat(path)).mtimeMs > options.staleAfterMs;
  } catch (error) {
    if (isNotFound(error)) return true;
    throw error;
  }
}

async function releaseIfOurs(path: string, token: string): Promise<void> {
  try {
    const holder = JSON.parse(await readFile(path, 'utf8')) as Partial<LockRecord>;
    // A run that judged us stale may have taken the lock over; its lock is not ours to remove.
    if (holder.token === token) await unlink(path);
  } catch {
    // Gone or replaced: nothing of ours to release.
  }
}
