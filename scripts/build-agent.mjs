#!/usr/bin/env node
// `npm run dist`: bundles the agent (src/agent-bin.ts: `collect` and `agent install`) into one ES
// module, dist/monitor-agent.mjs, that a stock Node >= 18 runs with no node_modules. It reads the
// TypeScript sources, not tsc's dist/*.js, so it needs no `npm run build` first and writes only this
// one file (plus its .meta.json) next to tsc's output. `node scripts/build-agent.mjs [OUTFILE]`:
// tests build their own copy in a temp dir.
//
// The file holds two bundles. Node compiles all the code of an ES module when it loads it, used or
// not, and a cron'd `collect` runs every minute: so the module itself is only the quick path (a
// plain `collect` command line, parsed without commander: src/agent-collect.ts). The full agent
// (src/agent-full.ts: commander, the YAML parser, `agent install`) is a second, CommonJS bundle kept
// in the module as a string, compiled (node:vm) only when the quick path hands over to it: for
// anything but a plain `collect`, and for a config file whose parsed tree is not cached yet. Scanning
// a string costs next to nothing; compiling those 250 KiB costs every run ~10 ms.

import { build } from 'esbuild';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentBuildOptions, forbiddenInputs } from './agent-bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = resolve(process.argv[2] ?? join(root, 'dist/monitor-agent.mjs'));
const options = agentBuildOptions(root);

const full = await build({
  ...options,
  entryPoints: [join(root, 'src/agent-full.ts')],
  write: false,
  outfile: 'agent-full.cjs',
  format: 'cjs',
  target: 'node18',
  plugins: [...options.plugins, builtinsRequiredInFull()],
});
const fullCode = full.outputFiles[0].text;
if (/\bimport\(/.test(fullCode)) fail('the full agent keeps an import(), which code compiled by node:vm cannot run');

const quick = await build({
  ...options,
  entryPoints: [join(root, 'src/agent-bin.ts')],
  outfile,
  format: 'esm',
  target: 'node18',
  banner: { js: '#!/usr/bin/env node' },
  plugins: [...options.plugins, fullAgentAsText(fullCode)],
});
const quickCode = readFileSync(outfile, 'utf8');
// The quick path is ES modules only: a CommonJS one would need a require() the module does not have.
const commonJs = Object.entries(quick.metafile.inputs).filter(([, input]) => input.format === 'cjs');
if (commonJs.length > 0) fail(`the quick path would bundle CommonJS modules: ${commonJs.map(([name]) => name).join(', ')}`);
const slow = Object.keys(quick.metafile.inputs).filter((input) => /node_modules\/(commander|@commander-js|yaml)\//.test(input));
if (slow.length > 0) fail(`the quick path would bundle what only the full agent needs:\n  ${slow.join('\n  ')}`);
writeFileSync(outfile.replace(/\.mjs$/, '.meta.json'), JSON.stringify({ quick: quick.metafile, full: full.metafile }));

const forbidden = [...forbiddenInputs(quick.metafile), ...forbiddenInputs(full.metafile)];
if (forbidden.length > 0) fail(`${outfile} would bundle server-only modules:\n  ${forbidden.join('\n  ')}`);
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
console.log(
  `${outfile}: ${kib(statSync(outfile).size)} (the quick path ${kib(quickCode.length - JSON.stringify(fullCode).length)}, ` +
    `the full agent ${kib(fullCode.length)} kept as text) from ${Object.keys(full.metafile.inputs).length} modules (node >= 18, no node_modules)`,
);

function fail(message) {
  console.error(message);
  process.exit(1);
}

/**
 * The full agent runs as a function compiled by node:vm, where import() has no loader to call (Node
 * 20 wants --experimental-vm-modules): its dynamic imports of node builtins become require().
 */
function builtinsRequiredInFull() {
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

/**
 * In the quick path, the full agent program (./agent-main.js, imported by agent-bin.ts) and the YAML
 * parser (./tree.js, imported by tree-cache.ts) are the full agent kept as text, compiled on first use.
 */
function fullAgentAsText(code) {
  const standIns = {
    'agent-main': 'export const runAgent = (...args) => fullAgent().runAgent(...args);',
    tree: 'export const parseRawTree = (...args) => fullAgent().parseRawTree(...args);',
  };
  return {
    name: 'full-agent-as-text',
    setup(build) {
      build.onResolve({ filter: /^\.\/(agent-main|tree)\.js$/ }, (args) => {
        const name = args.path.slice(2, -3);
        const from = { 'agent-main': 'src/agent-bin.ts', tree: 'src/config/tree-cache.ts' }[name];
        return args.importer === join(root, from) ? { path: name, namespace: 'full-agent' } : undefined;
      });
      build.onResolve({ filter: /^full-agent$/ }, () => ({ path: 'loader', namespace: 'full-agent' }));
      build.onLoad({ filter: /.*/, namespace: 'full-agent' }, (args) => ({
        contents: args.path === 'loader' ? loader(code) : `import { fullAgent } from 'full-agent';\n${standIns[args.path]}`,
        loader: 'js',
        resolveDir: root,
      }));
    },
  };
}

function loader(code) {
  return `
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { runInThisContext } from 'node:vm';
const FULL_AGENT = ${JSON.stringify(code)};
let fullAgentExports;
/** The full agent, compiled on first use: strict, as the ES modules it was bundled from. */
export function fullAgent() {
  if (!fullAgentExports) {
    const file = fileURLToPath(import.meta.url);
    const run = runInThisContext('(function (exports, require, module) {"use strict";' + FULL_AGENT + '\\n})', { filename: file + ' (full agent)' });
    const module = { exports: {} };
    run(module.exports, createRequire(file), module);
    fullAgentExports = module.exports;
  }
  return fullAgentExports;
}
`;
}
