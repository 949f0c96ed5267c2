// MySQL that cannot be reached — nothing listening, or a black hole that accepts and never answers —
// is one line naming host:port and the fix, within a few seconds, exit 1, no stack trace unless
// --verbose or DEBUG=monitor asks for one. Real child processes: real exit codes, real timers.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { startSilentServer } from '../support/network.js';

const home = useTempDir('monitor-cli-unreachable-');

const STACK_LINE = /^\s+at .+/m;

function expectOneLine(stderr: string, where: string): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^monitor: cannot connect to MySQL at ${where.replaceAll('.', '\\.')} \\(`));
  expect(lines[0]).toMatch(/MONITOR_DATABASE_URL/);
}

describe('an unreachable MySQL server', () => {
  let blackHole: Awaited<ReturnType<typeof startSilentServer>>;

  beforeAll(async () => {
    blackHole = await startSilentServer();
  });
  afterAll(async () => {
    await blackHole.close();
  });

  it('nothing listening: one line naming host:port and the fix, exit 1, at once', async () => {
    for (const argv of [
      ['hosts', 'list'],
      ['alerts', 'list'],
      ['hosts', 'add', 'web-01'],
      ['db', 'migrate'],
    ]) {
      const result = await spawnCli(argv, { home: home.path, env: { MONITOR_DATABASE_URL: 'mysql://root@127.0.0.1:1/x' } });
      expect(result.code, argv.join(' ')).toBe(1);
      expect(result.stdout).toBe('');
      expectOneLine(result.stderr, '127.0.0.1:1');
      expect(result.stderr).toMatch(/connection refused/);
      expect(result.ms).toBeLessThan(8_000);
    }
  });

  it('a server that accepts and never answers: the same one line within the connect timeout, exit 1', async () => {
    const url = `mysql://root@127.0.0.1:${blackHole.port}/monitor`;
    const result = await spawnCli(['hosts', 'list'], { home: home.path, env: { MONITOR_DATABASE_URL: url } });
    expect(result.code).toBe(1);
    expectOneLine(result.stderr, `127.0.0.1:${blackHole.port}`);
    expect(result.stderr).toMatch(/timed out/);
    expect(result.ms).toBeLessThan(8_000);
  });

  it('a shorter database.connect_timeout in the config gives up sooner', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      `${home.path}/monitor.yaml`,
      `database:\n  url: mysql://root@127.0.0.1:${blackHole.port}/monitor\n  connect_timeout: 1s\n`,
    );
    const result = await spawnCli(['alerts', 'list'], { home: home.path });
    expect(result.code).toBe(1);
    expectOneLine(result.stderr, `127.0.0.1:${blackHole.port}`);
    expect(result.ms).toBeLessThan(4_000);
  });

  it('--verbose and DEBUG=monitor add the stack, with the driver error as its cause', async () => {
    const env = { MONITOR_DATABASE_URL: 'mysql://root@127.0.0.1:1/x' };
    for (const run of [
      { argv: ['hosts', 'list', '--verbose'], env },
      { argv: ['--verbose', 'hosts', 'list'], env },
      { argv: ['hosts', 'list'], env: { ...env, DEBUG: 'monitor' } },
    ]) {
      const result = await spawnCli(run.argv, { home: home.path, env: run.env });
      expect(result.code).toBe(1);
      expect(result.stderr.split('\n')[0]).toMatch(/^monitor: cannot connect to MySQL at 127\.0\.0\.1:1 /);
      expect(result.stderr).toMatch(STACK_LINE);
      expect(result.stderr).toMatch(/caused by: .*ECONNREFUSED/);
    }
    const quiet = await spawnCli(['hosts', 'list'], { home: home.path, env });
    expect(quiet.stderr).not.toMatch(STACK_LINE);
  });
});
