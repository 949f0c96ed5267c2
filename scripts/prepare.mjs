#!/usr/bin/env node
// npm's `prepare`: on a clone with its dev dependencies (`npm install`), compile src/ into dist/ and
// bundle the CLI bin/monitor runs (dist/bundle/, scripts/build-cli.mjs), as `npm run build` does, so
// `npx monitor demo` works. Without TypeScript (`npm ci --omit=dev`) there is nothing to compile
// with: say so and leave the install alone — a packed or published package already ships dist/.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let tsc = null;
try {
  tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin/tsc');
} catch {
  // --omit=dev: no TypeScript here.
}

// The packed package (npm pack) ships dist/ built and no sources: `npm install` in it has nothing to build.
const sources = existsSync(join(root, 'src/main.ts'));

if (tsc && sources) {
  for (const argv of [[tsc, '-p', 'tsconfig.build.json'], [join(root, 'scripts/build-cli.mjs')]]) {
    const result = spawnSync(process.execPath, argv, { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
  process.exit(0);
}
if (!existsSync(join(root, 'dist/bundle/start.js'))) {
  console.warn(
    'monitor: dist/ is not built and TypeScript is not installed (--omit=dev); run `npm install` with the dev dependencies, or install the packed package (`npm pack`), which ships dist/',
  );
}
