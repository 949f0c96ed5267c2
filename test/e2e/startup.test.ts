// Start-up cost of the commands that run most: `collect` runs every minute on every server, and
// `--help`/`hosts list` are what people type. Heavy packages must load only in the commands that
// use them (STYLE rule 8). bin/monitor runs with test/support/import-trace.cjs preloaded, which
// writes every CommonJS module the process loaded — ESM-imported CJS packages included — to a file.
// Needs `npm run build` first (bin/monitor runs dist/).

import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, PROJECT_ROOT, spawnCli, type CliResult } from '../support/cli.js';
import { makeTempDir, removeTempDir } from '../support/temp-dir.js';
import { createTestDatabase } from '../commands/support-collect/databases.js';
import { startReportRecorder } from '../commands/support-collect/report-recorder.js';
import { useCleanups } from '../support/cleanups.js';

const TRACER = join(PROJECT_ROOT, 'test/support/import-trace.cjs');
const HEAVY = ['mysql2', 'better-sqlite3', 'systeminformation', 'nodemailer'];

const defer = useCleanups();

/** The package a module file belongs to: the first path segment(s) after the last node_modules/. */
function packageOf(file: string): string | null {
  const at = file.lastIndexOf('/node_modules/');
  if (at < 0) return null;
  const parts = file.slice(at + '/node_modules/'.length).split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** Runs bin/monitor with the tracer; returns its result and the packages it loaded. */
async function traced(argv: string[], env: Record<string, string> = {}): Promise<CliResult & { packages: Set<string> }> {
  const home = await makeTempDir('monitor-startup-');
  defer(() => removeTempDir(home));
  const trace = join(home, 'loaded.txt');
  const result = await spawnCli(argv, { home, env: { ...env, MONITOR_IMPORT_TRACE: trace }, nodeArgs: ['--require', TRACER] });
  const files = (await readFile(trace, 'utf8')).split('\n').filter(Boolean);
  return { ...result, packages: new Set(files.map(packageOf).filter((name): name is string => name !== null)) };
}

function heavyIn(packages: Set<string>): string[] {
  return HEAVY.filter((name) => packages.has(name));
}

describe('start-up: what each command loads', () => {
  it('monitor --help loads no database driver, no systeminformation, no nodemailer', async () => {
    const run = await traced(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('collect');
    // The trace works: commander, which --help needs, is in it.
    expect(run.packages.has('commander')).toBe(true);
    expect(heavyIn(run.packages)).toEqual([]);
  });

  it('monitor hosts list on SQLite loads better-sqlite3 only: no mysql2, systeminformation or nodemailer', async () => {
    const run = await traced(['hosts', 'list']);
    expect(run.code).toBe(0);
    expect(heavyIn(run.packages)).toEqual(['better-sqlite3']);
    // Tables are cli-table3's, loaded by the listing commands only.
    expect(run.packages.has('cli-table3')).toBe(true);
  });

  it('monitor hosts list on MariaDB loads mysql2 only', async (t) => {
    const db = await createTestDatabase('mariadb', 'startup_hosts_list');
    if (!db) return t.skip();
    defer(() => db.drop());
    const run = await traced(['hosts', 'list'], { MONITOR_DATABASE_URL: db.url });
    expect(run.code).toBe(0);
    expect(heavyIn(run.packages)).toEqual(['mysql2']);
  });

  it('monitor collect with a server URL loads no database driver, no systeminformation, no nodemailer', async () => {
    const server = await startReportRecorder(null);
    defer(() => server.close());
    const run = await traced(['collect'], { MONITOR_SERVER_URL: server.url, MONITOR_HOST_NAME: 'web-01', MONITOR_HOST_KEY: 'mk_key' });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(server.requests).toHaveLength(1);
    expect(heavyIn(run.packages)).toEqual([]);
    expect(run.packages.has('cli-table3')).toBe(false);
  });

  it('monitor collect in one-box mode on SQLite loads better-sqlite3 only', async () => {
    const run = await traced(['collect'], { MONITOR_HOST_NAME: 'web-01' });
    expect(run.code).toBe(0);
    expect(heavyIn(run.packages)).toEqual(['better-sqlite3']);
    expect(run.packages.has('cli-table3')).toBe(false);
  });
});

describe('start-up: stack traces of the bundle', () => {
  it("--verbose and DEBUG=monitor print stack frames in src/*.ts (the bundle's source maps), not in dist/bundle/", async () => {
    const home = await makeTempDir('monitor-stack-');
    defer(() => removeTempDir(home));
    await writeFile(join(home, 'monitor.yaml'), 'database: [\n');
    for (const [argv, env] of [
      [['--verbose', 'hosts', 'list'], {}],
      [['hosts', 'list'], { DEBUG: 'monitor' }],
    ] as const) {
      const run = await spawnCli([...argv], { home, env });
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('invalid YAML');
      expect(run.stderr).toMatch(/at \S+ \(.*\/src\/config\/load\.ts:\d+:\d+\)/);
      expect(run.stderr).not.toContain('dist/bundle/');
    }
  });
});

describe('start-up: a package whose dist/ was never built', () => {
  it('says so in one line, exit 1, instead of a module-not-found trace', async () => {
    // bin/monitor alone in a package directory with no dist/: what a clone looks like before
    // `npm run build`, or after an install that could not compile.
    const dir = await makeTempDir('monitor-no-dist-');
    defer(() => removeTempDir(dir));
    await mkdir(join(dir, 'bin'));
    await copyFile(BIN, join(dir, 'bin/monitor'));
    await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const child = spawnSync(process.execPath, [join(dir, 'bin/monitor'), '--version'], { encoding: 'utf8' });
    expect(child.status).toBe(1);
    expect(child.stdout).toBe('');
    expect(child.stderr).toBe(
      'monitor: dist/ is not built: run `npm install` (which compiles it) or `npm run build` in the package directory\n',
    );
  });
});
