// V8's code cache for code Node would otherwise compile at every start: the one-file agent's quick
// path (src/agent-code.ts) and the CLI bundle (src/cli-start.ts). Code compiled in a run that went
// well is kept in the user's cache dir (next to the parsed config trees, config/tree-cache.ts), 0600
// in a 0700 dir, and later runs start from it instead of parsing and compiling. Each cache file is
// named after a hash of its code, so another build never reads it; V8 itself refuses a cache from
// another V8 version or flags, and a CRC-32 of ours guards the body, which V8 does not check; then
// the run compiles and the cache is written anew. A cache file is used only if this user owns it and
// nobody else can write it (root running with another user's HOME must not run code that user planted).

import { readdir, unlink } from 'node:fs/promises';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Script } from 'node:vm';
import zlib from 'node:zlib';
import { TMP_PREFIX, writeFileAtomic } from './fs/atomic-file.js';
import { makePrivateDir } from './fs/private-dir.js';

/**
 * V8 checks a cache's header only, not its body: a byte changed inside it (a bad disk, a stray write)
 * makes `new Script` abort the whole process (a fatal error, not an exception), and every later run
 * with it, so the host would stop reporting. The file is therefore the body's CRC-32 (4 bytes, little
 * endian) and then the body; a Node without zlib.crc32 (before 20.15) keeps no cache at all.
 */
const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

function sealed(data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32LE(crc32!(data));
  return Buffer.concat([head, data]);
}

/** The cache's body, if this user wrote it, only this user can, and it is intact; else undefined (compile). */
export function readOwnCache(cacheFile: string): Buffer | undefined {
  if (!crc32) return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(cacheFile, 'r');
    // Checked on the open file: a file swapped in after the check is not the one read.
    const stat = fstatSync(fd);
    if (stat.uid !== process.geteuid?.() || (stat.mode & 0o077) !== 0) return undefined;
    const file = readFileSync(fd);
    const body = file.subarray(4);
    return file.length > 4 && file.readUInt32LE(0) === crc32(body) ? body : undefined;
  } catch {
    return undefined; // none yet, or unreadable
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes what `script` has compiled so far to `cacheFile` and removes the stale files of `family`
 * (caches of other builds, never read again) and what a run killed mid-write left. Never fails: a
 * user without a writable cache dir compiles again next time.
 */
export async function keepCompiledCode(script: Script, cacheFile: string, family: (name: string) => boolean): Promise<void> {
  if (!crc32) return;
  const dir = path.dirname(cacheFile);
  try {
    await makePrivateDir(dir);
    await writeFileAtomic(cacheFile, sealed(script.createCachedData()), { durable: false });
    for (const name of await readdir(dir)) {
      const written = name.startsWith(TMP_PREFIX) ? name.slice(TMP_PREFIX.length) : null;
      const stale = family(name) || (written !== null && (family(written) || written.startsWith(path.basename(cacheFile))));
      if (stale && path.join(dir, name) !== cacheFile) await unlink(path.join(dir, name)).catch(() => undefined);
    }
  } catch {
    // No cache dir to write (a user without a home): the next run compiles again.
  }
}
