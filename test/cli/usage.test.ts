// Command-line usage: unknown commands and flags, bad option values, --help, --version and no
// arguments at all. None of these may touch a database: a usage mistake is caught before one opens.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

const home = useTempDir('monitor-cli-usage-');
const monitor = (argv: string[]) => runCli(argv, { home: home.path });
const version = (JSON.parse(readFileSync(`${PROJECT_ROOT}package.json`, 'utf8')) as { version: string }).version;

/** A usage error: exit 2, nothing on stdout, the message and the command's usage line on stderr, no database. */
function expectUsageError(result: { code: number; stdout: string; stderr: string }, message: RegExp, usage: string): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(message);
  expect(result.stderr).toContain(`Usage: ${usage}`);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(join(home.path, '.local'))).toBe(false);
}

describe('monitor command-line usage', () => {
  it('an unknown command exits 2 with the usage on stderr', async () => {
    expectUsageError(await monitor(['bogus']), /^error: unknown command 'bogus'$/m, 'monitor [options] [command]');
  });

  it('check --at refuses an impossible date instead of rolling it over into the next month', async () => {
    expectUsageError(
      await monitor(['check', '--at', '2024-02-30T10:00:00Z']),
      /option '--at <time>' argument '2024-02-30T10:00:00Z' is invalid\. expected an ISO-8601 time with a zone/,
      'monitor check [options]',
    );
  });

  it('a misspelt subcommand suggests the right one', async () => {
    const result = await monitor(['alerts', 'lst']);
    expectUsageError(result, /unknown command 'lst'/, 'monitor alerts [options] [command]');
    expect(result.stderr).toMatch(/Did you mean list\?/);
  });

  it('an unknown flag exits 2 with the usage of the command it was given to', async () => {
    expectUsageError(await monitor(['--bogus']), /unknown option '--bogus'/, 'monitor [options] [command]');
    expectUsageError(await monitor(['alerts', 'list', '--bogus']), /unknown option '--bogus'/, 'monitor alerts list [options]');
    expectUsageError(
      await monitor(['hosts', 'remove', 'web-01', '--force']),
      /unknown option '--force'/,
      'monitor hosts remove [options] <name>',
    );
  });

  it('bad option values exit 2 naming the option and the value', async () => {
    expectUsageError(
      await monitor(['alerts', 'list', '--status', 'bogus']),
      /--status <status>' argument 'bogus' is invalid.*open, resolved, all/,
      'monitor alerts list',
    );
    expectUsageError(await monitor(['alerts', 'list', '--limit', 'x']), /--limit <n>' argument 'x' is invalid/, 'monitor alerts list');
    expectUsageError(await monitor(['alerts', 'list', '--limit', '0']), /--limit <n>' argument '0' is invalid/, 'monitor alerts list');
    expectUsageError(
      await monitor(['alerts', 'list', '--since', 'soon']),
      /--since <age>' argument 'soon' is invalid.*24h/,
      'monitor alerts list',
    );
    expectUsageError(
      await monitor(['db', 'prune', '--older-than', 'a month']),
      /--older-than <age>' argument 'a month' is invalid/,
      'monitor db prune',
    );
    expectUsageError(await monitor(['db', 'prune', '--older-than', '30d', '--batch-size', '-5']), /--batch-size/, 'monitor db prune');
  });

  it('a missing required option or argument exits 2 naming it', async () => {
    expectUsageError(await monitor(['db', 'prune']), /required option '--older-than <age>' not specified/, 'monitor db prune');
    expectUsageError(await monitor(['hosts', 'add']), /missing required argument 'name'/, 'monitor hosts add');
    expectUsageError(await monitor(['checks', 'assign', 'web-01']), /missing required argument 'check'/, 'monitor checks assign');
    expectUsageError(
      await monitor(['alerts', 'show', 'twelve']),
      /value 'twelve' is invalid for argument 'id'. expected an alert id/,
      'monitor alerts show',
    );
  });

  it('--version prints the version from package.json', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await monitor([flag]);
      expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('--help exits 0 with every command on stdout; a subcommand has its own help', async () => {
    const result = await monitor(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: monitor \[options\] \[command\]/);
    for (const command of ['collect', 'serve', 'check', 'alerts', 'hosts', 'checks', 'db', 'demo']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    const sub = await monitor(['alerts', 'list', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/^Usage: monitor alerts list \[options\]/);
    expect(sub.stdout).toMatch(/--status <status>.*\(choices: "open", "resolved", "all"/);
    expect((await monitor(['help', 'hosts'])).code).toBe(0);
  });

  it('monitor with no arguments shows the help on stderr and exits 2', async () => {
    const result = await monitor([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: monitor \[options\] \[command\]/);
    expect(result.stderr).toMatch(/^Commands:/m);
  });

  it('a command group without a subcommand shows its help and exits 2', async () => {
    const result = await monitor(['hosts']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Usage: monitor hosts \[options\] \[command\]/);
    expect(result.stderr).toMatch(/rotate-key/);
  });
});
