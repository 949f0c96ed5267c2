// Crash-safe file replacement: a reader (or the next cron run after a kill or power loss) sees either
// the old file or the whole new one, never a torn write. The temporary file lives in the same
// directory so the rename stays on one file system and is atomic.

import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { uniqueSuffix } from './unique-suffix.js';

/** Leftovers of a write killed before its rename start with this; readers skip them. */
export const TMP_PREFIX = '.tmp-';

export interface AtomicWriteOptions {
  /** File mode (default 0600: spool files and counters are nobody else's business). */
  mode?: number;
  /** Keep the owner of the file being replaced (works for root; ignored otherwise). */
  owner?: { uid: number; gid: number };
  /**
   * false: skip the fsyncs, for a file whose loss in a power cut costs nothing (its reader treats a
   * missing or torn file as absent). The rename still keeps a reader after a kill from seeing half.
   */
  durable?: boolean;
}

export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `${TMP_PREFIX}${basename(path)}-${uniqueSuffix()}`);
  const mode = options.mode ?? 0o600;
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data, 'utf8');
    // `open` applies the umask; chmod gives exactly the mode asked for.
    if (options.mode !== undefined) await handle.chmod(mode);
    if (options.owner) await handle.chown(options.owner.uid, options.owner.gid).catch(() => undefined);
    // Without the fsync a power loss after the rename can leave an empty file under the final name.
    if (options.durable !== false) await handle.sync();
    await handle.close();
    await rename(tmp, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  if (options.durable !== false) await syncDirectory(dir);
}

/** Makes the rename itself durable. Some platforms (Windows) cannot open a directory: best effort. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Durability of the directory entry is an improvement, not a requirement for correctness.
  }
}
