// Every failure a user can cause ends as a real process with the right exit code and one clear line
// on stderr ("monitor: what failed — what to do"), never a stack trace.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

const home = useTempDir('monitor-cli-errors-', 'all');

const STACK_LINE = /^\s+at .+/m;

interface Case {
  what: string;
  argv: string[];
  code: 1 | 2;
  says: RegExp;
  env?: Record<string, string>;
}

const CASES: Case[] = [
  { what: 'a duplicate host', argv: ['hosts', 'add', 'web-01'], code: 1, says: /^monitor: host 'web-01' already exists — / },
  { what: 'an unknown host', argv: ['hosts', 'rotate-key', 'nope-01'], code: 1, says: /^monitor: host 'nope-01' is not registered — / },
  { what: 'an unknown alert', argv: ['alerts', 'ack', '4242'], code: 1, says: /^monitor: alert #4242 does not exist — / },
  { what: 'a removal without --yes', argv: ['hosts', 'remove', 'web-01'], code: 2, says: /^monitor: this removes host 'web-01' .* — run again with --yes/ },
  { what: 'a bad host name', argv: ['hosts', 'add', 'web_01!'], code: 2, says: /^monitor: invalid host name 'web_01!'/ },
  { what: 'an unknown check', argv: ['checks', 'assign', 'web-01', 'nope'], code: 2, says: /^monitor: unknown check 'nope' \(known: / },
  { what: 'a bad --set', argv: ['checks', 'assign', 'web-01', 'disk_space', '--set', 'crit'], code: 2, says: /^monitor: --set expects key=value, got 'crit'/ },
  { what: 'a bad database URL', argv: ['hosts', 'list'], code: 2, says: /^monitor: database\.url: MONITOR_DATABASE_URL: /, env: { MONITOR_DATABASE_URL: 'postgres://db/x' } },
  { what: 'a missing config', argv: ['--config', 'nope.yaml', 'hosts', 'list'], code: 2, says: /^monitor: config file not found: / },
];

describe('expected errors from a real process', () => {
  beforeAll(async () => {
    expect((await spawnCli(['hosts', 'add', 'web-01'], { home: home.path })).code).toBe(0);
  });

  for (const c of CASES) {
    it(`${c.what}: exit ${c.code}, one line, no stack trace`, async () => {
      const result = await spawnCli(c.argv, { home: home.path, env: c.env });
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

  it('with --verbose the same expected error shows its stack', async () => {
    const result = await spawnCli(['hosts', 'rotate-key', 'nope-01', '--verbose'], { home: home.path });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^monitor: host 'nope-01' is not registered/);
    expect(result.stderr).toMatch(/NotFoundError: host 'nope-01' is not registered\n\s+at /);
  });
});
