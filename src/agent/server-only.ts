// Stand-ins the one-file agent is bundled with instead of the modules that need a database driver or
// systeminformation (scripts/build-agent.mjs swaps them in). A run that reaches one gets one clear
// line instead of a missing-module crash: the one-file agent only sends reports to a server.

import { ConfigError } from '../errors.js';

function fullPackageError(what: string): ConfigError {
  return new ConfigError([
    {
      key: 'server.url',
      message: `the one-file agent only sends reports to a server; ${what} needs the full monitor package (npm install -g monitor)`,
      file: null,
      line: null,
    },
  ]);
}

/** For src/agent/one-box.ts: no server URL configured. */
export function databaseSender(): never {
  throw fullPackageError('writing to the database (no server.url / MONITOR_SERVER_URL set)');
}

/** For src/store/open-store.ts. */
export function openStore(): Promise<never> {
  // Rejects rather than throws, as the real (async) openStore would.
  return Promise.reject(fullPackageError('opening the database'));
}

/** For systeminformation (memory without /proc/meminfo: not Linux). */
export function mem(): Promise<never> {
  return Promise.reject(new Error('no /proc/meminfo: the one-file agent reads /proc (Linux); use the full monitor package on this system'));
}
