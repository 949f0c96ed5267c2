// `monitor demo` as a newcomer runs it: a real process, a fresh HOME, no MySQL needed. And under a
// real pseudo-terminal (util-linux `script`), to prove colour appears on a terminal and NO_COLOR
// removes it.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { ANSI_ESCAPE, BIN, isolatedEnv, runCli, spawnCli } from '../support/cli.js';
import { openStore } from '../../src/store/open-store.js';
import { describeMysql } from '../support/mysql.js';
import { useTempDir } from '../support/temp-dir.js';
import { databaseConfig } from '../support/database-config.js';

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
    expect(existsSync(`${home.path}/.local/share/monitor/monitor.db`)).toBe(true);
  });

  it("is what a newcomer's next commands show: alerts list, hosts list and checks list on the default database", async () => {
    const result = await spawnCli(['demo'], { home: home.path });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('`monitor alerts list`, `monitor hosts list`, `monitor checks list` show it');

    const alerts = await runCli(['alerts', 'list'], { home: home.path });
    expect(alerts.code).toBe(0);
    expect(alerts.stdout).toMatch(/ 2 +storage-server-04 +Disk Space +critical +resolved/);
    expect(alerts.stdout).toMatch(/ 1 +db-server-03 +Memory Usage +critical +resolved/);
    const hosts = await runCli(['hosts', 'list'], { home: home.path });
    expect(hosts.stdout.match(/^(web-server-01|app-server-02|db-server-03|storage-server-04) /gm)).toHaveLength(4);
    const checks = await runCli(['checks', 'list', 'db-server-03'], { home: home.path });
    expect(checks.stdout).toMatch(/memory_usage +yes +metric=mem warn=70\* crit=80\*/);
  });

  it('keeps out of a default database holding real hosts: writes its own file and prints the command that shows it', async () => {
    const collect = await runCli(['collect'], { home: home.path, env: { MONITOR_HOST_NAME: 'web-server-01' } });
    expect(collect.code).toBe(0);
    const before = await contents(`sqlite:${home.path}/.local/share/monitor/monitor.db`);

    const result = await spawnCli(['demo'], { home: home.path });
    expect(result.code).toBe(0);
    expectStory(result.stdout);
    const demoDb = `${home.path}/.local/share/monitor/demo.db`;
    expect(result.stdout).toContain(`Look at it with: monitor --database sqlite:${demoDb} alerts list`);
    expect(await contents(`sqlite:${home.path}/.local/share/monitor/monitor.db`)).toEqual(before);

    const alerts = await runCli(['--database', `sqlite:${demoDb}`, 'alerts', 'list'], { home: home.path });
    expect(alerts.stdout).toMatch(/ 2 +storage-server-04 +Disk Space +critical +resolved/);
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

/** Hosts (with their newest metrics and open alert counts) and alerts: what the demo must not touch. */
async function contents(url: string): Promise<{ hosts: unknown[]; alerts: unknown[] }> {
  const store = await openStore(databaseConfig(url, { poolSize: 1, connectTimeoutMs: 5000 }));
  try {
    return { hosts: await store.listHosts(), alerts: await store.listAlerts({ status: 'all', limit: 0 }) };
  } finally {
    await store.close();
  }
}

describe('monitor demo --database on a database with real data', () => {
  const home = useTempDir('monitor-demo-refuse-');

  it('refuses a SQLite database holding a host of the same name as a demo host, exit 2, and changes nothing', async () => {
    const url = `sqlite:${home.path}/prod.db`;
    const collect = await runCli(['--database', url, 'collect'], { home: home.path, env: { MONITOR_HOST_NAME: 'db-server-03' } });
    expect(collect.code).toBe(0);
    const before = await contents(url);
    expect(before.hosts).toHaveLength(1);

    const result = await spawnCli(['demo', '--database', url], { home: home.path });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `monitor: ${home.path}/prod.db holds 1 host(s) the demo did not make ('db-server-03'): the demo writes only to a database that is empty or holds nothing but an earlier demo, and changed nothing — give it a database of its own, e.g. --database sqlite:/tmp/monitor-demo.db, or leave --database out\n`,
    );
    expect(await contents(url)).toEqual(before);
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

    // Its own earlier run is no obstacle: a second run replaces it with the same story.
    const again = await spawnCli(['--database', db.url, 'demo'], { home: home.path });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Look at it with: monitor --database ${db.url} alerts list`);
    const after = await contents(db.url);
    expect(after.hosts).toHaveLength(4);
    expect(after.alerts).toHaveLength(2);
  });

  it('refuses a database holding real hosts, even one named like a demo host, exit 2, and changes nothing', async () => {
    const prod = await db.fresh('demo_prod');
    const collect = await runCli(['collect', '--database', prod.url], { home: home.path, env: { MONITOR_HOST_NAME: 'web-server-01' } });
    expect(collect.code).toBe(0);
    const hostsAdd = await runCli(['hosts', 'add', 'real-02', '--database', prod.url], { home: home.path });
    expect(hostsAdd.code).toBe(0);
    const before = await contents(prod.url);

    const result = await spawnCli(['demo', '--database', prod.url], { home: home.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^monitor: mysql:\/\/.* holds 2 host\(s\) the demo did not make \('real-02', 'web-server-01'\): .*changed nothing/,
    );
    expect(await contents(prod.url)).toEqual(before);
  });
});
