// A cache of parsed config trees. Parsing YAML means loading the yaml package, ~50 ms of CPU — a third
// of what a cron'd `collect` may spend each minute. The raw tree (strings as written, before
// `${VAR}` expansion) depends only on the file's text, so it is cached next to nothing else, under the
// user's cache dir, readable only by them, and used only when the stored text equals the file's text
// exactly. Any failure to read or write the cache just means parsing again.

import { readFile } from 'node:fs/promises';
import { makePrivateDir } from '../fs/private-dir.js';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { LineIndex, type ParsedTree, type TreeNode } from './key-path.js';

/** Bump when tree.ts's output changes shape: older cache files are then ignored. */
const FORMAT = 1;

interface CacheFile {
  format: number;
  file: string;
  text: string;
  root: TreeNode | null;
  lines: [string, number][];
}

/** FNV-1a of the config path: one cache file per config file, no crypto module needed. */
function cacheName(file: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < file.length; i++) hash = Math.imul(hash ^ file.charCodeAt(i), 0x01000193) >>> 0;
  return `config-tree-${hash.toString(16).padStart(8, '0')}.json`;
}

export async function parseRawTreeCached(text: string, file: string, cacheDir: string): Promise<ParsedTree> {
  const cachePath = path.join(cacheDir, cacheName(file));
  try {
    const cached = JSON.parse(await readFile(cachePath, 'utf8')) as CacheFile;
    if (cached.format === FORMAT && cached.file === file && cached.text === text) {
      return { root: cached.root, lines: LineIndex.fromEntries(cached.lines), issues: [] };
    }
  } catch {
    // No cache yet, or an unreadable one: parse.
  }
  const { parseRawTree } = await import('./tree.js');
  const tree = parseRawTree(text, file);
  if (tree.issues.length === 0) {
    const entry: CacheFile = { format: FORMAT, file, text, root: tree.root, lines: tree.lines.entries() };
    await makePrivateDir(cacheDir)
      .then(() => writeFileAtomic(cachePath, JSON.stringify(entry)))
      .catch(() => undefined);
  }
  return tree;
}
