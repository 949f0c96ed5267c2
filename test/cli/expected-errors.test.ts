// Every failure a user can cause ends as a real process with the right exit code and one clear line
// on stderr ("monitor: what failed — what to do"), never a stack trace.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../support/cli.js';
import { describeMysql } from '../support/mysql.js';
import { useTempDir } from '../support/temp-dir.js';
import { listenOnLoopback } from '../support/network.js';

const home = useTempDir('monitor-cli-errors-', 'all');

const STACK_LINE = /^\s+at .+/m;

interface Case {
  what: string;
  argv: string[];
  code: 1 | 2;
  says: RegExp;
  env?: Record<string, string>;
  /** A config file for this case only: written to <home>/<name>.yaml and passed with --config. */
  config?: { name: string; yaml: string };
}

const PLUGIN_THAT_FAILS = 'plugins:\n  - ./no-such-plugin.mjs\n';

const CASES: Case[] = [
  { what: 'a duplicate host', argv: ['hosts', 'add', 'web-01'], code: 1, says: /^monitor: host 'web-01' already exists — / },
  { what: 'an unknown host', argv: ['hosts', 'rotate-key', 'nope-01'], code: 1, says: /^monitor: host 'nope-01' is not registered — / },
  { what: 'an unknown alert', argv: ['alerts', 'ack', '4242'], code: 1, says: /^monitor: alert #4242 does not exist — / },
  {
    what: 'a removal without --yes',
    argv: ['hosts', 'remove', 'web-01'],
    code: 2,
    says: /^monitor: this removes host 'web-01' .* — run again with --yes/,
  },
  { what: 'a bad host name', argv: ['hosts', 'add', 'web_01!'], code: 2, says: /^monitor: invalid host name 'web_01!'/ },
  { what: 'an unknown check', argv: ['checks', 'assign', 'web-01', 'nope'], code: 2, says: /^monitor: unknown check 'nope' \(known: / },
  {
    what: 'a bad --set',
    argv: ['checks', 'assign', 'web-01', 'disk_space', '--set', 'crit'],
    code: 2,
    says: /^monitor: --set expects key=value, got 'crit'/,
  },
  {
    what: 'a bad database URL',
    argv: ['hosts', 'list'],
    code: 2,
    says: /^monitor: database\.url: MONITOR_DATABASE_URL: /,
    env: { MONITOR_DATABASE_URL: 'postgres://db/x' },
  },
  {
    what: 'a TLS CA file that does not exist',
    argv: ['hosts', 'list'],
    code: 2,
    says: /^monitor: database\.url: MONITOR_DATABASE_URL: ssl-ca: cannot read \/no\/such\/ca\.pem \(ENOENT\)( — .*)?$/m,
    env: { MONITOR_DATABASE_URL: 'mysql://root@127.0.0.1:1/monitor?ssl-ca=/no/such/ca.pem' },
  },
  {
    what: 'a misspelt TLS parameter',
    argv: ['hosts', 'list'],
    code: 2,
    says: /^monitor: database\.url: MONITOR_DATABASE_URL: unknown parameter 'sslmode' \(known: /,
    env: { MONITOR_DATABASE_URL: 'mysql://root@127.0.0.1:1/monitor?sslmode=require' },
  },
  { what: 'a missing config', argv: ['--config', 'nope.yaml', 'hosts', 'list'], code: 2, says: /^monitor: config file not found: / },
  {
    what: 'contradicting flags',
    argv: ['checks', 'assign', 'web-01', 'disk_space', '--disable', '--enable'],
    code: 2,
    says: /^monitor: --disable and --enable contradict each other/,
  },
  { what: 'a bad --listen', argv: ['serve', '--listen', 'nowhere'], code: 2, says: /^monitor: --listen: expected HOST:PORT/ },
  {
    what: 'a demo database that is not MySQL or SQLite',
    argv: ['demo', '--database', 'postgres://db/x'],
    code: 2,
    says: /^monitor: --database: /,
  },
  {
    what: 'a SQLite file whose directory cannot be made',
    argv: ['hosts', 'list'],
    code: 1,
    says: /^monitor: cannot create the directory for the SQLite database/,
    env: { MONITOR_DATABASE_URL: 'sqlite:/etc/passwd/monitor/x.db' },
  },
  {
    // A typo in a hand-edited config: `check` (which re-syncs on a config change) says where, and stops.
    what: 'an unknown check in the config, for check',
    argv: ['check'],
    code: 2,
    says: /typo\.yaml:3: default_checks\.disk_spac: unknown check 'disk_spac' \(known: /,
    config: { name: 'typo', yaml: 'default_checks:\n  cpu_usage: {}\n  disk_spac: {}\n' },
  },
  {
    what: 'a bad threshold in the config, for checks sync',
    argv: ['checks', 'sync'],
    code: 2,
    says: /threshold\.yaml:4: hosts\.web-01\.checks\.disk_space\.crit: /,
    config: { name: 'threshold', yaml: 'hosts:\n  web-01:\n    checks:\n      disk_space: { crit: high }\n' },
  },
  {
    what: 'a plugin that cannot be loaded',
    argv: ['check'],
    code: 2,
    says: /^monitor: .*plugins: .*no-such-plugin\.mjs/,
    config: { name: 'plugin', yaml: PLUGIN_THAT_FAILS },
  },
  {
    what: 'a mount that does not exist',
    argv: ['collect', '--print'],
    code: 2,
    says: /mounts\.yaml:\d+: agent\.mounts: .*\/no\/such\/mount/,
    config: { name: 'mounts', yaml: 'agent:\n  mounts: [/no/such/mount]\n' },
  },
];

describe('expected errors from a real process', () => {
  beforeAll(async () => {
    expect((await spawnCli(['hosts', 'add', 'web-01'], { home: home.path })).code).toBe(0);
  });

  for (const c of CASES) {
    it(`${c.what}: exit ${c.code}, one line, no stack trace`, async () => {
      let argv = c.argv;
      if (c.config) {
        const file = join(home.path, `${c.config.name}.yaml`);
        await writeFile(file, c.config.yaml);
        argv = ['--config', file, ...argv];
      }
      const result = await spawnCli(argv, { home: home.path, env: c.env });
      expect(result.code, result.stderr).toBe(c.code);
      expect(result.stdout).toBe('');
      expect(result.stderr.trimEnd().split('\n'), result.stderr).toHaveLength(1);
      expect(result.stderr).toMatch(c.says);
      expect(result.stderr).not.toMatch(STACK_LINE);
    });
  }

  it('a config with problems lists them all, one per line, still without a stack trace', async () => {
    const file = join(home.path, 'broken.yaml');
    await writeFile(file, 'server:\n  listen: nowhere\nagent:\n  mounts: 7\n');
    const result = await spawnCli(['--config', file, 'hosts', 'list'], { home: home.path });
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^monitor: ${file}:2: server\\.listen: `));
    expect(lines[1]).toMatch(new RegExp(`^${file}:4: agent\\.mounts: `));
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  it('serve on an address already in use: exit 1, one line naming the address and the fix', async () => {
    const taken = createServer();
    const port = await listenOnLoopback(taken);
    try {
      const result = await spawnCli(['serve', '--listen', `127.0.0.1:${port}`], { home: home.path });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(`^monitor: cannot listen on 127\\.0\\.0\\.1:${port}: address already in use — choose another address`, 'm'),
      );
      expect(result.stderr).not.toMatch(STACK_LINE);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('with --verbose the same expected error shows its stack', async () => {
    const result = await spawnCli(['hosts', 'rotate-key', 'nope-01', '--verbose'], { home: home.path });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^monitor: host 'nope-01' is not registered/);
    expect(result.stderr).toMatch(/NotFoundError: host 'nope-01' is not registered\n\s+at /);
  });
});

describe('a database that cannot be used', () => {
  async function expectOneLine(argv: string[], databaseUrl: string, says: RegExp): Promise<void> {
    const result = await spawnCli(argv, { home: home.path, env: { MONITOR_DATABASE_URL: databaseUrl } });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n'), result.stderr).toHaveLength(1);
    expect(result.stderr).toMatch(says);
    expect(result.stderr).not.toMatch(STACK_LINE);
  }

  it('a SQLite path that is a directory: exit 1, one line naming the path', async () => {
    const directory = join(home.path, 'a-directory.db');
    await mkdir(directory, { recursive: true });
    await expectOneLine(
      ['hosts', 'list'],
      `sqlite:${directory}`,
      new RegExp(`^monitor: the SQLite database ${directory} cannot be opened \\(SQLITE_CANTOPEN\\) — check the path`),
    );
  });

  it('a file that is not a SQLite database: exit 1, one line, and the file is left as it was', async () => {
    const file = join(home.path, 'notes.txt');
    await writeFile(file, "not a database, but somebody's notes\n");
    await expectOneLine(
      ['hosts', 'add', 'web-09'],
      `sqlite:${file}`,
      new RegExp(`^monitor: the SQLite database ${file} is not a SQLite database \\(SQLITE_NOTADB\\)`),
    );
    expect(await readFile(file, 'utf8')).toBe("not a database, but somebody's notes\n");
  });

  describeMysql('MySQL with a wrong password', (db) => {
    it('exit 1, one line naming the user and the fix, and nothing written', async () => {
      const wrong = new URL(db.url);
      wrong.password = 'definitely-wrong';
      await expectOneLine(
        ['hosts', 'add', 'web-09'],
        wrong.toString(),
        /^monitor: MySQL at [^ ]+ refused user '[^']+' \(access denied: wrong password\) — check the user and password in database\.url/,
      );
      const listed = await spawnCli(['hosts', 'list', '--json'], { home: home.path, env: { MONITOR_DATABASE_URL: db.url } });
      expect(listed.code, listed.stderr).toBe(0);
      expect(JSON.parse(listed.stdout)).toEqual([]);
    });
  });
});
