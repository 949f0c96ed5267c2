// Directories and files that hold monitoring data (the database, the spool, saved counters, the
// parsed-config cache) are nobody else's business: directories this process creates are 0700 and
// files 0600, whatever the umask (a umask only removes bits, so these modes survive 022 or 002).

import { mkdirSync, openSync, closeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** mkdir -p with 0700 for every directory it creates; existing ones keep the mode their owner chose. */
export async function makePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

export function makePrivateDirSync(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
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
