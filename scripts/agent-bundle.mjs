// esbuild options shared by the one-file agent (scripts/build-agent.mjs) and the single executable
// (scripts/build-sea.mjs): the agent's entry, bundled for node, with the modules that would pull a
// database driver or systeminformation in swapped for src/agent/server-only.ts, whose functions fail
// with one clear line (one-box mode, memory without /proc: those need the full package).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Import paths (as written in the sources) that the agent must not bundle. */
const SERVER_ONLY = [/\/agent\/one-box\.js$/, /\/store\/open-store\.js$/, /^systeminformation$/];

/** Inputs that must never end up in the bundle (the build fails naming them). */
export const FORBIDDEN_INPUT =
  /node_modules\/(better-sqlite3|mysql2|systeminformation|nodemailer)\/|src\/(server|store\/(sqlite|mysql)|agent\/one-box)|open-store/;

export function agentBuildOptions(root) {
  const standIn = join(root, 'src/agent/server-only.ts');
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  return {
    bundle: true,
    platform: 'node',
    minify: true,
    legalComments: 'none',
    metafile: true,
    define: { MONITOR_AGENT_VERSION: JSON.stringify(version) },
    plugins: [
      {
        name: 'server-only',
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => (SERVER_ONLY.some((re) => re.test(args.path)) ? { path: standIn } : undefined));
        },
      },
    ],
    logLevel: 'warning',
  };
}

export function forbiddenInputs(metafile) {
  return Object.keys(metafile.inputs).filter((input) => FORBIDDEN_INPUT.test(input));
}
