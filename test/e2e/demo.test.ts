// `monitor demo` as a newcomer runs it: a real process, a fresh HOME, no MySQL needed. And under a
// real pseudo-terminal (util-linux `script`), to prove colour appears on a terminal and NO_COLOR
// removes it.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { ANSI_ESCAPE, BIN, isolatedEnv, spawnCli } from '../support/cli.js';
import { describeMysql } from '../support/mysql.js';
import { useTempDir } from '../support/temp-dir.js';

const STORY = [
  "🚨 NEW ALERT #1: Memory Usage - Host 'db-server-03' memory usage critical: 88%",
  "🚨 NEW ALERT #2: Disk Space - Host 'storage-server-04' disk usage critical: 92%",
  "✅ RESOLVED: Memory Usage - Host 'db-server-03' memory usage normal:",
  "✅ RESOLVED: Disk Space - Host 'storage-server-04' disk usage normal: 45%",
];

function expectStory(stdout: string): void {
  let from = 0;
  for (const line of STORY) {
    const at = stdout.indexOf(line, from);
    expect(at, `missing or out of order: ${line}`).toBeGreaterThanOrEqual(from);
    from = at + line.length;
  }
  expect(stdout.match(/NEW ALERT/g)).toHaveLength(2);
  expect(stdout.match(/RESOLVED:/g)).toHaveLength(2);
}

/** Runs bin/monitor under a pseudo-terminal, so stdout.isTTY is true in the child. */
function runInTerminal(args: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', `${process.execPath} ${BIN} ${args}`, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

describe('monitor demo on a fresh machine', () => {
  const home = useTempDir('monitor-demo-');

  it('tells the whole story on an embedded database and exits 0, without colour when piped', async () => {
    const result = await spawnCli(['demo'], { home: home.path });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expectStory(result.stdout);
    expect(result.stdout).toContain('all OK');
    expect(result.stdout).not.toMatch(ANSI_ESCAPE);
    expect(existsSync(`${home.path}/.local/share/monitor/demo.db`)).toBe(true);
  });

  it('starts over on each run: a second demo tells the same story with the same alert ids', async () => {
    await spawnCli(['demo'], { home: home.path });
    const again = await spawnCli(['demo'], { home: home.path });
    expect(again.code).toBe(0);
    expectStory(again.stdout);
  });

  it.skipIf(!existsSync('/usr/bin/script'))('colours a terminal, and NO_COLOR=1 on a terminal turns colour off', async () => {
    const env = isolatedEnv({ home: home.path, env: { TERM: 'xterm-256color' } });
    const coloured = await runInTerminal('demo', env);
    expect(coloured.code).toBe(0);
    expect(coloured.output).toMatch(ANSI_ESCAPE);

    const plain = await runInTerminal('demo', { ...env, NO_COLOR: '1' });
    expect(plain.code).toBe(0);
    expectStory(plain.output);
    expect(plain.output).not.toMatch(ANSI_ESCAPE);
  });

  it('waits for Enter between steps with --pause', async () => {
    const result = await spawnCli(['demo', '--pause'], { home: home.path, stdin: '\n\n\n\n\n' });
    expect(result.code).toBe(0);
    expect(result.stdout.match(/press Enter to continue/g)).toHaveLength(4);
    expectStory(result.stdout);
  });
});

describeMysql('monitor demo --database on MariaDB', (db) => {
  const home = useTempDir('monitor-demo-mysql-');

  it('leaves the schema filled for exploring with the mysql client', async () => {
    const result = await spawnCli(['demo', '--database', db.url], { home: home.path });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expectStory(result.stdout);
    expect(result.stdout).toContain(`mysql -h`);

    const connection = await mysql.createConnection(db.url);
    try {
      const [[counts]] = (await connection.query(
        `SELECT (SELECT COUNT(*) FROM hosts) AS hosts, (SELECT COUNT(*) FROM incoming_data) AS samples,
                (SELECT COUNT(*) FROM alerts WHERE status = 'resolved') AS resolved,
                (SELECT COUNT(*) FROM host_alert_checks WHERE enabled = 1) AS checks`,
      )) as unknown as [Record<string, number>[]];
      expect({ ...counts }).toEqual({ hosts: 4, samples: 68, resolved: 2, checks: 16 });
    } finally {
      await connection.end();
    }
  });
});
