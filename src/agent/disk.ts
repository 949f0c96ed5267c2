// Disk used % of the configured mounts, computed as df does, so the number matches what the admin
// sees when the alert sends them to the box. statfs is a single syscall and works on every platform
// Node supports, so no fallback module is needed.

import { statfs } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { errnoCode } from './errno.js';

export interface MountUsage {
  mount: string;
  pct: number;
}

/** Where agent.mounts came from, so a bad mount is reported with the file and line. */
export interface MountsSource {
  file: string | null;
  line: number | null;
}

/**
 * df's Use%: used = blocks - bfree; pct = used / (used + bavail). Blocks reserved for root (bfree -
 * bavail) count as neither, because ordinary processes cannot write to them: a disk is "full" when
 * they fail, which is what the alert is for.
 */
export async function mountUsage(mount: string, source: MountsSource = { file: null, line: null }): Promise<MountUsage> {
  let stats: Awaited<ReturnType<typeof statfs>>;
  try {
    stats = await statfs(mount);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM') {
      const why = code === 'EACCES' || code === 'EPERM' ? 'cannot be read (permission denied)' : 'does not exist';
      throw new ConfigError([{ key: 'agent.mounts', message: `mount "${mount}" ${why}`, ...source }], {
        hint: 'list existing mount points under agent.mounts (default: /)',
        cause: error,
      });
    }
    throw error;
  }
  const used = stats.blocks - stats.bfree;
  const usable = used + stats.bavail;
  // Pseudo file systems (proc, sysfs) have no blocks at all: nothing to fill, so 0%.
  return { mount, pct: usable > 0 ? (100 * used) / usable : 0 };
}

/** Every mount's usage, in the order given. */
export async function mountsUsage(mounts: readonly string[], source?: MountsSource): Promise<MountUsage[]> {
  if (mounts.length === 0) {
    throw new ConfigError([
      { key: 'agent.mounts', message: 'at least one mount is needed', file: source?.file ?? null, line: source?.line ?? null },
    ]);
  }
  return Promise.all(mounts.map((mount) => mountUsage(mount, source)));
}

/** disk_pct: the fullest mount, because one full file system is enough to break the host. */
export async function fullestMountPct(mounts: readonly string[], source?: MountsSource): Promise<number> {
  const usage = await mountsUsage(mounts, source);
  return Math.max(...usage.map((entry) => entry.pct));
}
