// The SQLite driver unusable in each of the ways a real install leaves it, with the errors Node and
// better-sqlite3's loader really throw (made here, not written by hand), each turned into one line
// naming database.url and what to do; any other error passes through unchanged.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { rethrowSqliteDriverError, sqliteDriverProblem } from '../../src/store/sqlite-driver.js';
import { useCleanups } from '../support/cleanups.js';
import { makeTempDir, removeTempDir } from '../support/temp-dir.js';

const defer = useCleanups();
const requireHere = createRequire(import.meta.url);

async function caught(work: () => unknown): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

async function tempDir(): Promise<string> {
  const dir = await makeTempDir('monitor-sqlite-driver-');
  defer(() => removeTempDir(dir));
  return dir;
}

describe('an unusable SQLite driver', () => {
  it('not installed: the import cannot find better-sqlite3', async () => {
    const dir = await tempDir();
    writeFileSync(join(dir, 'open.mjs'), "import 'better-sqlite3';\n");
    // Node's own ESM loader in a process of its own (the test runner resolves imports from the project),
    // as bin/monitor runs: the error's code and message, carried back as they were thrown.
    const child = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import(${JSON.stringify(pathToFileURL(join(dir, 'open.mjs')).href)}).catch((e) => console.log(JSON.stringify({ code: e.code, message: e.message })))`,
      ],
      { encoding: 'utf8' },
    );
    const thrown = JSON.parse(child.stdout) as { code: string; message: string };
    expect(thrown.code).toBe('ERR_MODULE_NOT_FOUND');
    const error = Object.assign(new Error(thrown.message), { code: thrown.code });
    expect(sqliteDriverProblem(error)).toMatch(/^SQLite needs the better-sqlite3 package, which is not installed/);
  });

  it('installed but never built: its loader finds no compiled addon', async () => {
    const dir = await tempDir();
    // better-sqlite3's own loader (the bindings package), looking in a package with no build/.
    const bindings = createRequire(requireHere.resolve('better-sqlite3'))('bindings') as (options: object) => unknown;
    const error = await caught(() => bindings({ bindings: 'better_sqlite3.node', module_root: dir }));
    expect(sqliteDriverProblem(error)).toMatch(/^SQLite needs better-sqlite3 built for this machine, and it was never built/);
  });

  it('built for something else: the addon does not load here', async () => {
    const dir = await tempDir();
    writeFileSync(join(dir, 'better_sqlite3.node'), 'not a shared object');
    const error = await caught(() => process.dlopen({ exports: {} }, join(dir, 'better_sqlite3.node')));
    expect((error as NodeJS.ErrnoException).code).toBe('ERR_DLOPEN_FAILED');
    expect(sqliteDriverProblem(error)).toMatch(/^better-sqlite3's compiled part cannot be loaded here \(.*better_sqlite3\.node/);
  });

  it('becomes a ConfigError on database.url with the way out; other errors pass through as they are', async () => {
    const dir = await tempDir();
    const bindings = createRequire(requireHere.resolve('better-sqlite3'))('bindings') as (options: object) => unknown;
    const unbuilt = await caught(() => bindings({ bindings: 'better_sqlite3.node', module_root: dir }));
    const error = await caught(() => rethrowSqliteDriverError(unbuilt));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toMatchObject([{ key: 'database.url' }]);
    expect((error as ConfigError).hint).toMatch(/npm rebuild better-sqlite3.*mysql:\/\//);
    expect((error as ConfigError).cause).toBe(unbuilt);

    const other = new Error('disk on fire');
    expect(await caught(() => rethrowSqliteDriverError(other))).toBe(other);
    expect(sqliteDriverProblem(undefined)).toBeNull();
  });
});
