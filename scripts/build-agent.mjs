#!/usr/bin/env node
// `npm run dist`: bundles the agent (src/agent-bin.ts: `collect` and `agent install`) into one ES
// module, dist/monitor-agent.mjs, that a stock Node >= 18 runs with no node_modules. It reads the
// TypeScript sources, not tsc's dist/*.js, so it needs no `npm run build` first and writes only this
// one file (plus its .meta.json) next to tsc's output. `node scripts/build-agent.mjs [OUTFILE]`:
// tests build their own copy in a temp dir.

import { build } from 'esbuild';
import { statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentBuildOptions, forbiddenInputs } from './agent-bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = resolve(process.argv[2] ?? join(root, 'dist/monitor-agent.mjs'));

const result = await build({
  ...agentBuildOptions(root),
  entryPoints: [join(root, 'src/agent-bin.ts')],
  outfile,
  format: 'esm',
  target: 'node18',
  // Some bundled CommonJS (commander, yaml) calls require() for node builtins; ESM has no require.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __monitorRequire } from 'node:module'; const require = __monitorRequire(import.meta.url);",
  },
});
writeFileSync(outfile.replace(/\.mjs$/, '.meta.json'), JSON.stringify(result.metafile));

const forbidden = forbiddenInputs(result.metafile);
if (forbidden.length > 0) {
  console.error(`${outfile} would bundle server-only modules:\n  ${forbidden.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `${outfile}: ${(statSync(outfile).size / 1024).toFixed(0)} KiB from ${Object.keys(result.metafile.inputs).length} modules (node >= 18, no node_modules)`,
);
