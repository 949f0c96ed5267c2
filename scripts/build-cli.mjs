#!/usr/bin/env node
// Bundles the `monitor` CLI (src/main.ts) for bin/monitor: dist/bundle/main.js and its chunks. Node
// resolves, reads and compiles each ES module it loads, and tsc's dist/ is ~100 of them on a
// `check`; the bundle is a few. `splitting` keeps the CLI lazy: each command that src/cli/program.ts
// loads with import() is its own chunk, loaded only when that command runs. Packages stay in
// node_modules (`packages: 'external'`), loaded as they are from tsc's output.
//
// Its own directory, which no src/ directory shares (tsc writes src/cli/ to dist/cli/). Paths next to
// the code: every file lands in dist/bundle/, two levels below the package root, as
// tsc's dist/store/migrations.js and dist/web/assets.js are, so their `new URL('../../…',
// import.meta.url)` find sql/ and the assets the same way; the version, which src/main.ts reads from
// ../package.json under tsc, is defined here instead.
//
// Source maps are linked (dist/bundle/*.map, not packed): bin/monitor turns them on for --verbose runs,
// so the stack traces it prints name src/*.ts lines; other runs never read them.
//
// Run by `npm run build` after tsc (whose dist/*.js the benchmarks import), by scripts/prepare.mjs,
// and so by `prepack` and `npm test`. `node scripts/build-cli.mjs [OUTDIR]`.

import { build } from 'esbuild';
import { existsSync, readFileSync, rmSync } from 'node:fs';
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
// Chunk names carry a content hash: clear the old ones so dist/ (and the packed tarball) holds only this build's.
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'src/main.ts')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  sourcesContent: false,
  define: { MONITOR_VERSION: JSON.stringify(version) },
  logLevel: 'warning',
});
