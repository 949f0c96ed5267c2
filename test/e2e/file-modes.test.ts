// Monitoring data stays private under the usual umask 022: bin/monitor runs as a real process from a
// shell that sets the umask, and the database (with its -wal and -shm), the spool, the saved counters
// and the config cache come out 0600 in 0700 directories. Needs `npm run build` first.

import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BIN, isolatedEnv } from '../support/cli.js';
import { closedPortUrl } from '../support/network.js';
import { makeTempDir, removeTempDir } from '../support/temp-dir.js';
import { useCleanups } from '../support/cleanups.js';

const defer = useCleanups();

function modeOf(path: string): string {
  return (statSync(path).mode & 0o777).toString(8).padStart(4, '0');
}

/** bin/monitor under `umask 022`, as a login shell or cron gives it. */
function spawnWithUmask(argv: string[], home: string, env: Record<string, string> = {}) {
  return spawn('/bin/sh', ['-c', 'umask 022; exec "$0" "$@"', process.execPath, BIN, ...argv], {
    cwd: home,
    env: isolatedEnv({ home, env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function finished(child: ReturnType<typeof spawnWithUmask>): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

it('creates the SQLite database, its -wal and -shm files 0600 in a 0700 directory, under umask 022', async () => {
  const home = await makeTempDir('monitor-modes-db-');
  defer(() => removeTempDir(home));
  const child = spawnWithUmask(['serve', '--listen', '127.0.0.1:0'], home);
  const done = finished(child);
  defer(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await done;
  });
  const dataDir = join(home, '.local/share/monitor');
  const db = join(dataDir, 'monitor.db');
  // serve keeps the database open: -wal and -shm exist while it runs.
  for (let i = 0; i < 200 && !(existsSync(`${db}-wal`) && existsSync(`${db}-shm`)); i++) await new Promise((r) => setTimeout(r, 50));
  expect(modeOf(dataDir)).toBe('0700');
  expect([modeOf(db), modeOf(`${db}-wal`), modeOf(`${db}-shm`)]).toEqual(['0600', '0600', '0600']);
  child.kill('SIGTERM');
  expect((await done).code).toBe(0);
});

it('keeps the spool, the saved CPU counters and the config cache 0600 in 0700 directories, under umask 022', async () => {
  const home = await makeTempDir('monitor-modes-agent-');
  defer(() => removeTempDir(home));
  // A config file, so its parsed tree is cached; a server that is down, so the report is spooled.
  await writeFile(
    join(home, 'monitor.yaml'),
    `server:\n  url: ${await closedPortUrl()}\nagent:\n  host_key: k-0123456789abcdef\n  timeout: 2s\n`,
  );
  const result = await finished(spawnWithUmask(['collect'], home, { MONITOR_CONFIG: join(home, 'monitor.yaml') }));
  expect(result.stderr).toMatch(/spool/i);

  const stateDir = join(home, '.local/state/monitor');
  const spoolDir = join(stateDir, 'spool');
  const cacheDir = join(home, '.cache/monitor');
  expect([modeOf(stateDir), modeOf(spoolDir), modeOf(cacheDir)]).toEqual(['0700', '0700', '0700']);
  const spooled = (await readdir(spoolDir)).filter((name) => !name.startsWith('.'));
  expect(spooled.length).toBeGreaterThan(0);
  const files = [
    ...spooled.map((name) => join(spoolDir, name)),
    ...(await readdir(stateDir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(stateDir, e.name)),
    ...(await readdir(cacheDir)).map((name) => join(cacheDir, name)),
  ];
  expect(files.length).toBeGreaterThan(2);
  for (const file of files) expect({ file, mode: modeOf(file) }).toEqual({ file, mode: '0600' });
});
