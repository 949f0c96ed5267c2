#!/usr/bin/env node
// `npm run dist`: bundles the agent (src/agent-bin.ts: `collect` alone) into one ES module,
// dist/monitor-agent.mjs, that a stock Node >= 18 runs with no node_modules. It reads the TypeScript
// sources, not tsc's dist/*.js, so it needs no `npm run build` first and writes only this one file
// (plus its .meta.json) next to tsc's output.
//
// The modules that would pull a database driver or systeminformation into the bundle are swapped for
// src/agent/server-only.ts, whose functions fail with one clear line: those paths (one-box mode,
// memory on a system without /proc) need the full package.

import { build } from 'esbuild';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** `node scripts/build-agent.mjs [OUTFILE]`: tests build their own copy in a temp dir. */
const outfile = resolve(process.argv[2] ?? join(root, 'dist/monitor-agent.mjs'));
const stand_in = join(root, 'src/agent/server-only.ts');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

/** Import paths (as written in the sources) that the agent must not bundle. */
const SERVER_ONLY = [/\/agent\/one-box\.js$/, /\/store\/open-store\.js$/, /^systeminformation$/];

const serverOnly = {
  name: 'server-only',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /.*/ }, (args) => (SERVER_ONLY.some((re) => re.test(args.path)) ? { path: stand_in } : undefined));
  },
};

const result = await build({
  entryPoints: [join(root, 'src/agent-bin.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node18',
  minify: true,
  legalComments: 'none',
  metafile: true,
  define: { MONITOR_AGENT_VERSION: JSON.stringify(version) },
  // Some bundled CommonJS (commander, yaml) calls require() for node builtins; ESM has no require.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __monitorRequire } from 'node:module'; const require = __monitorRequire(import.meta.url);" },
  plugins: [serverOnly],
  logLevel: 'warning',
});
writeFileSync(outfile.replace(/\.mjs$/, '.meta.json'), JSON.stringify(result.metafile));

const inputs = Object.keys(result.metafile.inputs);
const forbidden = inputs.filter((input) => /node_modules\/(better-sqlite3|mysql2|systeminformation|nodemailer)\/|src\/(server|store\/(sqlite|mysql)|agent\/one-box)|open-store/.test(input));
if (forbidden.length > 0) {
  console.error(`${outfile} would bundle server-only modules:\n  ${forbidden.join('\n  ')}`);
  process.exit(1);
}
console.log(`${outfile}: ${(statSync(outfile).size / 1024).toFixed(0)} KiB from ${inputs.length} modules (node >= 18, no node_modules)`);
