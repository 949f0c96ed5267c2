#!/usr/bin/env node
// npm's `prepare`: on a clone with its dev dependencies (`npm install`), compile src/ into dist/ so
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

if (tsc) {
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
if (!existsSync(join(root, 'dist/main.js'))) {
  console.warn(
    'monitor: dist/ is not built and TypeScript is not installed (--omit=dev); run `npm install` with the dev dependencies, or install the packed package (`npm pack`), which ships dist/',
  );
}
