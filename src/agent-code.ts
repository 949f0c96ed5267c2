// The one-file agent's code, kept in dist/monitor-agent.mjs as text (scripts/build-agent.mjs defines
// it) and compiled when used: Node compiles all of an ES module's code at every start, and a cron'd
// `collect` starts every minute on every server.
// - The quick path (src/agent-collect.ts: a plain `collect`, without commander) is compiled with
//   V8's code cache (src/code-cache.ts): the code compiled in a run that sent its report is kept in
//   the user's cache dir, and later runs start from it instead of compiling.
// - The full agent (src/agent-full.ts: commander, the YAML parser, `agent install`) is compiled only
//   when the quick path hands over to it.

import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import type { RunIO } from './cli/io.js';
import type { ParsedTree } from './config/key-path.js';
import { defaultDirs, type Env } from './config/locate.js';
import type { ExitCode } from './errors.js';
import { keepCompiledCode, readOwnCache } from './code-cache.js';

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

export function quickPath(env: Env, homedir: string): QuickPath {
  const dir = defaultDirs(env, homedir).cacheDir;
  const cacheFile = path.join(dir, `${CACHE_PREFIX}${MONITOR_AGENT_CODE_ID}.v8`);
  const cached = readOwnCache(cacheFile);
  const { script, exports } = compile(MONITOR_AGENT_QUICK, 'quick path', cached);
  const usable = cached !== undefined && !script.cachedDataRejected;
  return {
    runPlainCollect: (exports as QuickPathExports).runPlainCollect,
    keepCompiledCode: async () => {
      if (!usable) await keepCompiledCode(script, cacheFile, (name) => name.startsWith(CACHE_PREFIX));
    },
  };
}
