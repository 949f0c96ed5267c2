// The one-file agent's code, kept in dist/monitor-agent.mjs as text (scripts/build-agent.mjs defines
// it) and compiled when used: Node compiles all of an ES module's code at every start, and a cron'd
// `collect` starts every minute on every server.
// - The quick path (src/agent-collect.ts: a plain `collect`, without commander) is compiled with
//   V8's code cache: the code compiled in a run that went well is kept in the user's cache dir (next
//   to the parsed config trees, config/tree-cache.ts), 0600 in a 0700 dir, and later runs start
//   from it instead of compiling. The file is named after a hash of the code, so another build never
//   reads it; V8 itself refuses a cache from another V8 version or flags, and a CRC-32 of ours guards
//   the body, which V8 does not check; then this run compiles and the cache is written anew. A cache file is used only if this user owns it and nobody else can
//   write it (root running the agent with another user's HOME must not run code that user planted).
// - The full agent (src/agent-full.ts: commander, the YAML parser, `agent install`) is compiled only
//   when the quick path hands over to it.

import { readdir, unlink } from 'node:fs/promises';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import zlib from 'node:zlib';
import type { RunIO } from './cli/io.js';
import type { ParsedTree } from './config/key-path.js';
import { defaultDirs, type Env } from './config/locate.js';
import type { ExitCode } from './errors.js';
import { TMP_PREFIX, writeFileAtomic } from './fs/atomic-file.js';
import { makePrivateDir } from './fs/private-dir.js';

/**
 * CommonJS bundles of src/agent-collect.ts and src/agent-full.ts, each wrapped by the build in
 * `(function (exports, require, module, __monitorFullAgent) {"use strict"; … })`: built whole here,
 * the quick path's text would be copied into the young heap on every run; a hash of the first.
 */
declare const MONITOR_AGENT_QUICK: string;
declare const MONITOR_AGENT_FULL: string;
declare const MONITOR_AGENT_CODE_ID: string;

export interface FullAgent {
  runAgent(argv: string[], overrides?: Partial<RunIO>): Promise<ExitCode>;
  parseRawTree(text: string, file: string | null): ParsedTree;
}

interface QuickPathExports {
  runPlainCollect: (argv: string[]) => Promise<ExitCode | null>;
}

const CACHE_PREFIX = 'agent-code-';
const file = fileURLToPath(import.meta.url);

/** Runs a wrapped CommonJS bundle; the quick path reaches the full agent (for the YAML parser) as __monitorFullAgent. */
function compile(wrapped: string, name: string, cachedData?: Buffer): { script: Script; exports: unknown } {
  const script = new Script(wrapped, {
    filename: `${file} (${name})`,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} };
  const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, full: () => FullAgent) => void;
  run(module.exports, createRequire(file), module, fullAgent);
  return { script, exports: module.exports };
}

let full: FullAgent | undefined;

export function fullAgent(): FullAgent {
  full ??= compile(MONITOR_AGENT_FULL, 'full agent').exports as FullAgent;
  return full;
}

export interface QuickPath {
  /** The exit code of a plain `collect`; null for any other command line. */
  runPlainCollect: (argv: string[]) => Promise<ExitCode | null>;
  /** Keeps the code compiled so far for the next runs, unless they have it already. Never fails. */
  keepCompiledCode(): Promise<void>;
}

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
function readOwnCache(cacheFile: string): Buffer | undefined {
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

export function quickPath(env: Env, homedir: string): QuickPath {
  const dir = defaultDirs(env, homedir).cacheDir;
  const cacheFile = path.join(dir, `${CACHE_PREFIX}${MONITOR_AGENT_CODE_ID}.v8`);
  const cached = readOwnCache(cacheFile);
  const { script, exports } = compile(MONITOR_AGENT_QUICK, 'quick path', cached);
  const usable = cached !== undefined && !script.cachedDataRejected;
  return {
    runPlainCollect: (exports as QuickPathExports).runPlainCollect,
    keepCompiledCode: async () => {
      if (usable || !crc32) return;
      try {
        await makePrivateDir(dir);
        await writeFileAtomic(cacheFile, sealed(script.createCachedData()));
        // Caches of other builds are never read again, nor what a run killed mid-write left.
        for (const name of await readdir(dir)) {
          const stale = name.startsWith(CACHE_PREFIX) || name.startsWith(`${TMP_PREFIX}${CACHE_PREFIX}`);
          if (stale && path.join(dir, name) !== cacheFile) await unlink(path.join(dir, name)).catch(() => undefined);
        }
      } catch {
        // No cache dir to write (a user without a home): the next run compiles again.
      }
    },
  };
}
