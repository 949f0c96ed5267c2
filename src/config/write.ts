// Writes config edits back to the YAML file (`monitor checks assign`), keeping everything the edit
// does not touch byte-for-byte. The file is replaced atomically: a crash or a concurrent reader
// (a cron `monitor check`) sees either the old file or the new one, never half of one.

import { mkdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

import { ConfigError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { editYaml } from './yaml-edit.js';
import type { ConfigEdit } from './yaml-edit.js';

export type { ConfigEdit } from './yaml-edit.js';

interface Existing {
  /** The real file (a symlinked config is edited where it lives, and the link is kept). */
  target: string;
  text: string;
  mode: number;
  uid: number;
  gid: number;
}

async function readExisting(file: string): Promise<Existing | null> {
  let target: string;
  try {
    target = await realpath(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const [text, info] = await Promise.all([readFile(target, 'utf8'), stat(target)]);
  return { target, text, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid };
}

async function writeAtomically(target: string, text: string, existing: Existing | null): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  // The edited file keeps exactly the mode (and, for root, the owner) it had.
  await writeFileAtomic(
    target,
    text,
    existing ? { mode: existing.mode, owner: { uid: existing.uid, gid: existing.gid } } : { mode: 0o644 },
  );
}

/**
 * Applies edits to the config file in one atomic write, creating the file (and its directory) if
 * missing. Returns false when the file already said all that (nothing is written then).
 */
export async function editConfigFile(file: string, edits: readonly ConfigEdit[]): Promise<boolean> {
  let existing: Existing | null;
  try {
    existing = await readExisting(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError([{ key: '', message: `cannot read config file ${file}: ${code}`, file, line: null }], { cause: error });
  }
  const before = existing?.text ?? '';
  const after = editYaml(before, edits, file);
  if (existing && after === before) return false;
  try {
    await writeAtomically(existing?.target ?? path.resolve(file), after, existing);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError([{ key: '', message: `cannot write config file ${file}: ${code}`, file, line: null }], {
      cause: error,
      hint: code === 'EACCES' ? 'run as a user who may write it, or pass --config with a file you own' : undefined,
    });
  }
  return true;
}

/** Sets one key, e.g. (['hosts', 'web-01', 'checks', 'disk_space', 'crit'], 85). */
export async function setConfigValue(file: string, keyPath: readonly string[], value: unknown): Promise<boolean> {
  return editConfigFile(file, [{ path: keyPath, value }]);
}

/** Removes one key (and its value); a key that is not there is not an error. */
export async function deleteConfigValue(file: string, keyPath: readonly string[]): Promise<boolean> {
  return editConfigFile(file, [{ path: keyPath, delete: true }]);
}
