// better-sqlite3 is an optional dependency with a native part compiled on install. Three ways it can
// be unusable on a box, each said in one line with what to do instead of a module-resolution stack:
// not installed (npm skips an optional package it cannot compile, or --omit=optional), installed but
// never built (--ignore-scripts, a build that left nothing), or built for another Node (Node upgraded
// after the install: NODE_MODULE_VERSION differs). Imports no driver, so open-store can use it.

import { ConfigError } from '../errors.js';

const NOT_BUILT = /^Could not locate the bindings file/;

/** The reason SQLite cannot be used, if `error` says the driver is missing or unbuilt; else null. */
export function sqliteDriverProblem(error: unknown): string | null {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (code === 'ERR_MODULE_NOT_FOUND' && /better-sqlite3/.test(text)) {
    return 'SQLite needs the better-sqlite3 package, which is not installed (it is optional: npm skips it when it cannot compile, or with --omit=optional)';
  }
  if (NOT_BUILT.test(text)) {
    return 'SQLite needs better-sqlite3 built for this machine, and it was never built (installed with --ignore-scripts, or its compile step left nothing)';
  }
  if (code === 'ERR_DLOPEN_FAILED') {
    const other = /NODE_MODULE_VERSION (\d+)/.exec(text)?.[1];
    return other
      ? `better-sqlite3 was built for another Node (NODE_MODULE_VERSION ${other}; this is ${process.version}, ${process.versions.modules}): Node was upgraded after monitor was installed`
      : `better-sqlite3's compiled part cannot be loaded here (${text.split('\n')[0]})`;
  }
  return null;
}

/** Rethrows `error`, as a one-line ConfigError naming database.url when the SQLite driver is the problem. */
export function rethrowSqliteDriverError(error: unknown): never {
  const problem = sqliteDriverProblem(error);
  if (problem === null) throw error;
  throw new ConfigError([{ key: 'database.url', message: problem, file: null, line: null }], {
    hint: 'build it where monitor is installed (`npm rebuild better-sqlite3` there, or `npm install better-sqlite3` if it is missing; needs a C++ toolchain), or set database.url to a mysql:// URL',
    cause: error,
  });
}
