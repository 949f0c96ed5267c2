#!/usr/bin/env node
// `npm run dist:sea`: the agent as one executable for servers without Node (Node's single-executable
// applications): the agent bundled as CommonJS (src/agent-sea.ts), turned into a preparation blob by
// this node (`--experimental-sea-config`), injected with postject into a copy of this node binary.
// The result runs only on the platform it was built on: dist/monitor-agent-<platform>-<arch>.
// `node scripts/build-sea.mjs [OUTFILE]`.

import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentBuildOptions, forbiddenInputs } from './agent-bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = resolve(process.argv[2] ?? join(root, `dist/monitor-agent-${process.platform}-${process.arch}`));
const work = mkdtempSync(join(tmpdir(), 'monitor-sea-'));
try {
  const script = join(work, 'agent.cjs');
  const result = await build({
    ...agentBuildOptions(root),
    entryPoints: [join(root, 'src/agent-sea.ts')],
    outfile: script,
    format: 'cjs',
    target: 'node20',
  });
  const forbidden = forbiddenInputs(result.metafile);
  if (forbidden.length > 0) throw new Error(`the executable would bundle server-only modules: ${forbidden.join(', ')}`);
  const blob = join(work, 'sea.blob');
  writeFileSync(join(work, 'sea-config.json'), JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true }));
  execFileSync(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], { stdio: 'ignore' });
  copyFileSync(process.execPath, outfile);
  chmodSync(outfile, 0o755);
  const { inject } = await import('postject');
  await inject(outfile, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2' });
  console.log(`${outfile}: ${(statSync(outfile).size / 1024 / 1024).toFixed(1)} MiB (node ${process.version} with the agent inside)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
