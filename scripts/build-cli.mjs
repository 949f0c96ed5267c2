#!/usr/bin/env node
// Bundles the `monitor` CLI for bin/monitor, into dist/bundle/:
// - monitor.cjs: src/main.ts and the packages it uses, one CommonJS file. src/cli-start.ts compiles it
//   with V8's code cache, which Node keeps for no ES module (before Node 22): a cron'd `monitor check`
//   starts from the code the last run compiled instead of parsing and compiling ~3 MB (mysql2 is
//   half of it) every minute. Commands the CLI loads with import() (src/cli/program.ts) are set up
//   only when run, as before. better-sqlite3 stays in node_modules: it is compiled C++.
// - start.js: src/cli-start.ts, the small ES module bin/monitor imports, which holds a hash of
//   monitor.cjs to name its caches by.
//
// Its own directory, which no src/ directory shares (tsc writes src/cli/ to dist/cli/). Paths next to
// the code: every file lands in dist/bundle/, two levels below the package root, as
// tsc's dist/store/migrations.js and dist/web/assets.js are, so their `new URL('../../…',
// import.meta.url)` find sql/ and the assets the same way (import.meta.url is the bundle's file URL
// in monitor.cjs); the version, which src/main.ts reads from ../package.json under tsc, is defined
// here instead.
//
// Source maps are linked (dist/bundle/*.map, not packed): bin/monitor turns them on for --verbose runs,
// so the stack traces it prints name src/*.ts lines; other runs never read them.
//
// Run by `npm run build` after tsc (whose dist/*.js the benchmarks import), by scripts/prepare.mjs,
// and so by `prepack` and `npm test`. `node scripts/build-cli.mjs [OUTDIR]`.

import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = resolve(process.argv[2] ?? join(root, 'dist/bundle'));
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

// tsc writes src/<dir>/ to dist/<dir>/: a directory of that name would mix both builds, and clearing it would delete tsc's.
if (dirname(outdir) === join(root, 'dist') && existsSync(join(root, 'src', basename(outdir)))) {
  console.error(`${outdir}: tsc writes src/${basename(outdir)}/ there; bundle into another directory`);
  process.exit(1);
}
// Clear the last build: dist/ (and the packed tarball) holds only this build's files.
rmSync(outdir, { recursive: true, force: true });
// Both files: for Node 20, with linked source maps that name src/*.ts.
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', sourcesContent: false, logLevel: 'warning' };
const [bundle, map] = (
  await build({
    ...common,
    entryPoints: [join(root, 'src/main.ts')],
    outfile: join(outdir, 'monitor.cjs'),
    format: 'cjs',
    external: ['better-sqlite3'],
    // A script compiled by vm may not import(): lazy imports become lazy require()s (a plugin's import
    // goes through src/checks/import-hook.ts instead).
    supported: { 'dynamic-import': false },
    // No comments and indentation: a third less to read and scan at every start (names are kept, for
    // stack traces).
    minifyWhitespace: true,
    define: { MONITOR_VERSION: JSON.stringify(version), 'import.meta.url': '__monitorBundleUrl' },
    banner: { js: 'var __monitorBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
    write: false,
  })
).outputFiles.sort((a, b) => (a.path.endsWith('.map') ? 1 : 0) - (b.path.endsWith('.map') ? 1 : 0));
// ASCII only, so that src/cli-start.ts reads it as Latin-1 into a one-byte string: one non-ASCII
// character makes Node decode all of it as UTF-8 into a two-byte string, twice the memory for V8 to
// scan. esbuild escapes string literals but leaves template literals and regular expressions as
// written (a dashboard template's "·"); \uXXXX means the same there (the html tag reads cooked strings).
const ascii = bundle.text.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
mkdirSync(outdir, { recursive: true });
writeFileSync(bundle.path, ascii);
writeFileSync(map.path, map.contents);
const codeId = createHash('sha256')
  .update(readFileSync(join(outdir, 'monitor.cjs')))
  .digest('hex')
  .slice(0, 16);
await build({
  ...common,
  entryPoints: [join(root, 'src/cli-start.ts')],
  outfile: join(outdir, 'start.js'),
  format: 'esm',
  define: { MONITOR_CLI_CODE_ID: JSON.stringify(codeId) },
});
