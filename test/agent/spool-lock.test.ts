import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FLUSH_LOCK_FILE, tryFlushLock } from '../../src/agent/spool-lock.js';
import { tempDir } from '../support/temp-dir.js';

const now = new Date();
const staleAfterMs = 10 * 60_000;

/** A pid that certainly belongs to no running process: a child that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid;
}

describe('spool flush lock', () => {
  it('lets one run flush at a time and the next one in after release', async () => {
    const dir = await tempDir();
    const release = await tryFlushLock(dir, { now, staleAfterMs });
    expect(release).not.toBeNull();
    expect(await tryFlushLock(dir, { now, staleAfterMs })).toBeNull();
    await release!();
    const again = await tryFlushLock(dir, { now, staleAfterMs });
    expect(again).not.toBeNull();
    await again!();
  });

  it('takes over the lock of a run that was killed', async () => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, FLUSH_LOCK_FILE), JSON.stringify({ pid: deadPid(), atMs: now.getTime(), token: 'x' }));
    const release = await tryFlushLock(dir, { now, staleAfterMs });
    expect(release).not.toBeNull();
    expect((JSON.parse(await readFile(join(dir, FLUSH_LOCK_FILE), 'utf8')) as { pid: unknown }).pid).toBe(process.pid);
  });

  it('takes over a lock held too long even when its process still exists', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, FLUSH_LOCK_FILE), JSON.stringify({ pid: process.pid, atMs: now.getTime() - staleAfterMs - 1, token: 'x' }));
    expect(await tryFlushLock(dir, { now, staleAfterMs })).not.toBeNull();
  });

  it('does not remove a lock another run has taken over meanwhile', async () => {
    const dir = await tempDir();
    const release = await tryFlushLock(dir, { now, staleAfterMs });
    const successor = JSON.stringify({ pid: process.pid, atMs: now.getTime(), token: 'someone-else' });
    await writeFile(join(dir, FLUSH_LOCK_FILE), successor);
    await release!();
    expect(await readFile(join(dir, FLUSH_LOCK_FILE), 'utf8')).toBe(successor);
  });
});
