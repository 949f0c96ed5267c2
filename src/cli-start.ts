// How bin/monitor starts the CLI. The CLI is one CommonJS bundle of src/main.ts and the packages it
// uses (dist/bundle/monitor.cjs, scripts/build-cli.mjs), compiled here with V8's code cache
// (src/code-cache.ts): cron starts `monitor check` every minute, and parsing and compiling the CLI
// and mysql2 was a tenth of a steady run over 10,000 hosts. One cache per command (the code `check`
// compiled is not what `hosts list` runs), written after the command's first run that exits 0 — not
// by a dry run (--dry-run, collect's --print), which leaves no files behind. This file is its own
// small ES module (dist/bundle/start.js), compiled as ever.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { lendImport } from './checks/import-hook.js';
import { keepCompiledCode, readOwnCache } from './code-cache.js';
import { defaultDirs } from './config/locate.js';
import type { ExitCode } from './errors.js';

/** A hash of dist/bundle/monitor.cjs, defined by the build: a cache is for the bundle it was made from. */
declare const MONITOR_CLI_CODE_ID: string;

const CACHE_PREFIX = 'cli-code-';

interface Cli {
  run(argv: string[]): Promise<ExitCode>;
}

/** The exit code of `monitor ARGV`. With source maps (--verbose), Node's own loader runs the bundle and maps its stack traces. */
export async function startCli(argv: string[], options: { sourceMaps: boolean }): Promise<ExitCode> {
  const bundle = fileURLToPath(new URL('./monitor.cjs', import.meta.url));
  const require = createRequire(bundle);
  lendImport((specifier) => import(specifier)); // for plugins: the bundle cannot import() itself
  if (options.sourceMaps) return (require(bundle) as Cli).run(argv);

  const command = cachedCommand(argv);
  const cacheFile =
    command && path.join(defaultDirs(process.env, homedir()).cacheDir, `${CACHE_PREFIX}${MONITOR_CLI_CODE_ID}-${command}.v8`);
  const cached = cacheFile ? readOwnCache(cacheFile) : undefined;
  // Node's CommonJS wrapper, on the first line so that line numbers hold. The build keeps the bundle
  // ASCII: Latin-1 is a plain copy into a one-byte string.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'latin1')}\n})`;
  const script = new Script(wrapped, { filename: bundle, ...(cached ? { cachedData: cached } : {}) });
  const module = { exports: {} };
  const load = script.runInThisContext() as (...args: unknown[]) => void;
  load(module.exports, require, module, bundle, path.dirname(bundle));
  const code = await (module.exports as Cli).run(argv);
  if (cacheFile && code === 0 && (cached === undefined || script.cachedDataRejected === true)) {
    const ownBuild = `${CACHE_PREFIX}${MONITOR_CLI_CODE_ID}-`;
    await keepCompiledCode(script, cacheFile, (name) => name.startsWith(CACHE_PREFIX) && !name.startsWith(ownBuild));
  }
  return code;
}

/** The global options that take a value (`monitor -c FILE check`): the word after them is not the command. */
const VALUE_OPTIONS = new Set(['-c', '--config', '--database']);

/** The command this run keeps a cache for (the first word that is not an option; 'cli' for none), or null. */
function cachedCommand(argv: readonly string[]): string | null {
  let command = 'cli';
  for (let i = 0; i < argv.length; i++) {
    if (VALUE_OPTIONS.has(argv[i]!)) i++;
    else if (!argv[i]!.startsWith('-')) {
      command = argv[i]!;
      break;
    }
  }
  // A word that is no command fails the run, which keeps nothing; this keeps odd names out of file names.
  if (!/^[a-z][a-z-]{0,31}$/.test(command)) return null;
  return argv.includes('--dry-run') || argv.includes('--print') ? null : command;
}
