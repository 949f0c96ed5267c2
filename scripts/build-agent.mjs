#!/usr/bin/env node
// `npm run dist`: bundles the agent (`collect` and `agent install`) into one ES module,
// dist/monitor-agent.mjs, that a stock Node >= 18 runs with no node_modules. It reads the TypeScript
// sources, not tsc's dist/*.js, so it needs no `npm run build` first and writes only this one file
// (plus its .meta.json) next to tsc's output. `node scripts/build-agent.mjs [OUTFILE]`: tests build
// their own copy in a temp dir.
//
// The file holds three bundles. Node compiles all the code of an ES module each time it loads it,
// used or not, and a cron'd `collect` starts every minute: so the module itself is only a loader
// (src/agent-bin.ts, src/agent-code.ts), and the agent is two CommonJS bundles kept in it as strings
// (scanning a string costs next to nothing), compiled with node:vm when used:
// - the quick path (src/agent-collect.ts): a plain `collect` command line, parsed without commander,
//   compiled with V8's code cache (see src/agent-code.ts);
// - the full agent (src/agent-full.ts: commander, the YAML parser, `agent install`), compiled only
//   when the quick path hands over to it: any other command line, and a config file whose parsed
//   tree is not cached yet.

import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentBuildOptions, forbiddenInputs } from './agent-bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = resolve(process.argv[2] ?? join(root, 'dist/monitor-agent.mjs'));
const options = agentBuildOptions(root);

/** A CommonJS bundle of `entry`, as text, for src/agent-code.ts to compile. */
async function textBundle(entry, plugins = []) {
  const result = await build({
    ...options,
    entryPoints: [join(root, entry)],
    write: false,
    outfile: join(root, entry.replace(/\.ts$/, '.cjs')),
    format: 'cjs',
    target: 'node18',
    plugins: [...options.plugins, builtinsRequired(), ...plugins],
  });
  const code = result.outputFiles[0].text;
  if (/\bimport\(/.test(code)) fail(`${entry}: the bundle keeps an import(), which code compiled by node:vm cannot run`);
  // Strict, as the ES modules it was bundled from; src/agent-code.ts calls the function.
  return { code: `(function (exports, require, module, __monitorFullAgent) {"use strict";${code}\n})`, metafile: result.metafile };
}

const full = await textBundle('src/agent-full.ts');
const quick = await textBundle('src/agent-collect.ts', [yamlFromFullAgent()]);
const slow = Object.keys(quick.metafile.inputs).filter((input) => /node_modules\/(commander|@commander-js|yaml)\//.test(input));
if (slow.length > 0) fail(`the quick path would bundle what only the full agent needs:\n  ${slow.join('\n  ')}`);

const loader = await build({
  ...options,
  entryPoints: [join(root, 'src/agent-bin.ts')],
  outfile,
  format: 'esm',
  target: 'node18',
  banner: { js: '#!/usr/bin/env node' },
  define: {
    ...options.define,
    MONITOR_AGENT_QUICK: JSON.stringify(quick.code),
    MONITOR_AGENT_FULL: JSON.stringify(full.code),
    MONITOR_AGENT_CODE_ID: JSON.stringify(createHash('sha256').update(quick.code).digest('hex').slice(0, 16)),
  },
});
writeFileSync(
  outfile.replace(/\.mjs$/, '.meta.json'),
  JSON.stringify({ loader: loader.metafile, quick: quick.metafile, full: full.metafile }),
);

const forbidden = [loader, quick, full].flatMap((bundle) => forbiddenInputs(bundle.metafile));
if (forbidden.length > 0) fail(`${outfile} would bundle server-only modules:\n  ${forbidden.join('\n  ')}`);
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
console.log(
  `${outfile}: ${kib(statSync(outfile).size)} (the quick path ${kib(quick.code.length)}, the full agent ${kib(full.code.length)}, ` +
    `both kept as text) from ${Object.keys(full.metafile.inputs).length} modules (node >= 18, no node_modules)`,
);

function fail(message) {
  console.error(message);
  process.exit(1);
}

/** Code compiled by node:vm has no loader for import() (Node 20 wants --experimental-vm-modules): dynamic imports of node builtins become require(). */
function builtinsRequired() {
  return {
    name: 'builtins-required',
    setup(build) {
      build.onResolve({ filter: /^node:/ }, (args) =>
        args.kind === 'dynamic-import' ? { path: args.path, namespace: 'builtin' } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
      }));
    },
  };
}

/** In the quick path, the YAML parser (./tree.js, imported by tree-cache.ts) is the full agent's (src/agent-code.ts passes it in). */
function yamlFromFullAgent() {
  return {
    name: 'yaml-from-full-agent',
    setup(build) {
      build.onResolve({ filter: /^\.\/tree\.js$/ }, (args) =>
        args.importer === join(root, 'src/config/tree-cache.ts') ? { path: 'tree', namespace: 'full-agent' } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'full-agent' }, () => ({
        contents: 'module.exports = { parseRawTree: (...args) => __monitorFullAgent().parseRawTree(...args) };',
        loader: 'js',
      }));
    },
  };
}
