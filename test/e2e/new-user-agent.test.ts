// The one-file agent as a new user meets it: only dist/monitor-agent.mjs (or the single executable,
// built here by `npm run dist:sea`'s script) copied into an empty directory, an empty HOME, no config file, no host key — a registration token and the server's URL
// in the environment. Against a real `monitor serve` process on SQLite: registers, delivers, survives
// the server being stopped (reports spooled) and delivers the backlog once it is back on the same
// port. Prints the time from nothing to the first stored report.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, copyFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAgentBundle, buildAgentExecutable } from '../support/agent-bundle.js';
import { BIN, runCli, spawnCli, type CliResult } from '../support/cli.js';
import { closedPortUrl } from '../support/network.js';
import { sqliteDatabaseAt } from '../commands/support-collect/databases.js';
import { tempDir } from '../support/temp-dir.js';

const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

/** `monitor serve` as its own process; resolves once it listens. */
function startServe(url: string, databaseUrl: string, home: string): Promise<ChildProcess> {
  const listen = url.replace('http://', '');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--listen', listen], {
      cwd: home,
      env: { PATH: process.env.PATH, HOME: home, TZ: 'UTC', MONITOR_DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('listening')) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${output}`)));
  });
}

async function stopServe(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  running.delete(child);
}

/** The single executable runs itself: no node on the command line. */
function runExecutable(file: string, argv: string[], cwd: string, env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(file, argv, { cwd, env: { PATH: process.env.PATH, TZ: 'UTC', ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

const KINDS = [
  { name: 'monitor-agent.mjs (Node >= 18)', file: 'monitor-agent.mjs', build: buildAgentBundle, node: true },
  { name: 'the single executable (no Node)', file: 'monitor-agent', build: buildAgentExecutable, node: false },
];

describe.each(KINDS)('$name, as a new user runs it', (kind) => {
  it('registers with a token, delivers, and catches up after a server outage', async () => {
    const started = Date.now();
    const serverHome = await tempDir('monitor-new-user-server-');
    const database = sqliteDatabaseAt(join(serverHome, 'monitor.db'));
    const databaseUrl = database.url;
    const made = await runCli(['tokens', 'add', 'fleet', '--json'], { home: serverHome, env: { MONITOR_DATABASE_URL: databaseUrl } });
    expect(made.code).toBe(0);
    const token = (JSON.parse(made.stdout) as { token: string }).token;
    const url = await closedPortUrl();
    let serve = await startServe(url, databaseUrl, serverHome);

    // Only the file: an empty directory, an empty HOME, nothing installed beside it.
    const agentDir = await tempDir('monitor-new-user-agent-');
    const agent = join(agentDir, kind.file);
    await copyFile(await kind.build(await tempDir('monitor-new-user-build-')), agent);
    await chmod(agent, 0o755);
    expect(await readdir(agentDir)).toEqual([kind.file]);
    const home = join(agentDir, 'home');
    const env = { MONITOR_SERVER_URL: url, MONITOR_HOST_NAME: 'fresh-01', MONITOR_REGISTRATION_TOKEN: token, HOME: home };
    const collect = () =>
      kind.node ? spawnCli(['collect'], { home: agentDir, env, bin: agent }) : runExecutable(agent, ['collect'], agentDir, env);

    const first = await collect();
    expect(first).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect((await database.rows()).map((row) => row.host_name)).toEqual(['fresh-01']);
    console.log(
      `${kind.name}: ${Date.now() - started} ms from nothing (token made, serve started, agent copied) to the first stored report`,
    );
    expect((await stat(join(home, '.local/state/monitor/host-key'))).mode & 0o777).toBe(0o600);

    await stopServe(serve);
    const down = await collect();
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^monitor: could not deliver the report: connection refused .* 1 report\(s\) kept in the spool/);

    serve = await startServe(url, databaseUrl, serverHome);
    const back = await collect();
    expect(back).toMatchObject({ code: 0, stderr: '' });
    expect((await database.rows()).map((row) => row.host_name)).toEqual(['fresh-01', 'fresh-01', 'fresh-01']);
    const hosts = await runCli(['hosts', 'list', '--json'], { home: serverHome, env: { MONITOR_DATABASE_URL: databaseUrl } });
    expect(JSON.parse(hosts.stdout)).toMatchObject([{ host_name: 'fresh-01', registered_by: 'fleet' }]);
    await stopServe(serve);
  }, 180_000);
});
