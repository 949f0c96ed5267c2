// Directories and files that hold monitoring data (the database, the spool, saved counters, the
// parsed-config cache) are nobody else's business: directories this process creates are 0700 and
// files 0600, whatever the umask (a umask only removes bits, so these modes survive 022 or 002).

import { mkdirSync, openSync, closeSync, statSync } from 'node:fs';
import path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** mkdir -p with 0700 for every directory it creates; existing ones keep the mode their owner chose. */
export function makePrivateDir(dir: string): Promise<void> {
  // A few system calls: not worth a trip through the thread pool each. Failures still reject.
  try {
    makePrivateDirSync(dir);
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * makePrivateDir, synchronously. By hand, not with Node's `recursive: true`: that never returns for
 * a path under /proc, where mkdir answers ENOENT even once the parent exists — a cron'd command
 * given XDG_CACHE_HOME=/proc/… spun at 100% CPU forever. Here every directory is tried once.
 */
export function makePrivateDirSync(dir: string): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    try {
      mkdirSync(at, { mode: PRIVATE_DIR_MODE });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(at).isDirectory()) break;
      if (code !== 'ENOENT' || path.dirname(at) === at) throw error;
      missing.push(at);
      continue;
    }
    break;
  }
  // The parents first; one that still cannot be made (ENOENT again, as under /proc) is the error.
  for (const at of missing.reverse()) {
    try {
      mkdirSync(at, { mode: PRIVATE_DIR_MODE });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * Creates `file` empty with mode 0600 if it does not exist. For SQLite: it creates its -wal and -shm
 * files with the database file's mode, so a database file made 0600 here keeps all three private.
 */
export function createPrivateFileSync(file: string): void {
  try {
    closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
