// What the packed package holds (`npm pack`, what `npm install -g monitor-*.tgz` and a registry install
// get): every file the installed CLI reads at run time, and not the build's leftovers. A file missing
// here works in the clone and fails only after installing — the dashboard's own assets once did.
// Lists without packing (--dry-run --ignore-scripts: prepack would rebuild dist/ under the other tests).

import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/cli.js';

function packedFiles(): string[] {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path);
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(PROJECT_ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(PROJECT_ROOT.length));
}

describe('the packed package', () => {
  const files = packedFiles();

  it('holds the CLI bundle, the one-file agent, the migrations and the dashboard assets', () => {
    const runtime = [
      'bin/monitor',
      'package.json',
      // npm runs `prepare` when someone runs `npm install` in the unpacked package.
      'scripts/prepare.mjs',
      'dist/monitor-agent.mjs',
      ...filesUnder('dist/bundle').filter((file) => /\.c?js$/.test(file)),
      ...filesUnder('sql'),
      ...filesUnder('src/web/assets'),
    ];
    expect(runtime.filter((file) => !files.includes(file))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['dist/bundle/start.js', 'dist/bundle/monitor.cjs']));
    expect(files.filter((file) => file.startsWith('src/web/assets/'))).toEqual(expect.arrayContaining(['src/web/assets/app.js']));
  });

  it('leaves out source maps, the TypeScript sources and tsc output the CLI does not run', () => {
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
    expect(files.filter((file) => file.endsWith('.ts'))).toEqual([]);
    expect(
      files.filter((file) => file.startsWith('dist/') && !file.startsWith('dist/bundle/') && file !== 'dist/monitor-agent.mjs'),
    ).toEqual([]);
  });
});
