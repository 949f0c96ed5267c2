// A bad config is a usage error (exit 2) that names the key, the file and the line — every problem
// at once, so a user fixes the file in one go — and opens no database.

import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

const home = useTempDir('monitor-cli-config-');

const BAD_CONFIG = [
  '# three mistakes, on lines 4, 6 and 9',
  'database:',
  '  pool_size: 4',
  '  pool_sise: 3',
  'agent:',
  '  sample_window: fast',
  'server:',
  '  listen: 127.0.0.1:8080',
  '  bogus: 1',
  '',
].join('\n');

function expectNoDatabase(): void {
  expect(existsSync(join(home.path, '.local', 'share', 'monitor'))).toBe(false);
}

describe('monitor with a bad config', () => {
  it('reports every unknown key and wrong type at once, each with key, file and line; exit 2', async () => {
    const file = join(home.path, 'monitor.yaml');
    await writeFile(file, BAD_CONFIG);

    const result = await runCli(['hosts', 'list'], { home: home.path });

    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`monitor: ${file}:4: database.pool_sise: unknown key 'pool_sise' (did you mean 'pool_size'?)`);
    expect(lines[1]).toMatch(new RegExp(`^${file}:6: agent\\.sample_window: expected a duration.*got 'fast'$`));
    expect(lines[2]).toMatch(new RegExp(`^${file}:9: server\\.bogus: unknown key 'bogus' \\(known keys: .*\\) — every key is shown`));
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expectNoDatabase();
  });

  it('names the file it found through MONITOR_CONFIG and --config, wherever it is', async () => {
    const dir = join(home.path, 'etc');
    await mkdir(dir);
    const file = join(dir, 'other.yaml');
    await writeFile(file, 'alerting:\n  flap_window: many\n');

    for (const how of [
      { argv: ['--config', file, 'alerts', 'list'] },
      { argv: ['alerts', 'list', '--config', 'etc/other.yaml'] },
      { argv: ['alerts', 'list'], env: { MONITOR_CONFIG: file } },
    ]) {
      const result = await runCli(how.argv, { home: home.path, env: how.env });
      expect(result.code, JSON.stringify(how)).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^monitor: ${file}:2: alerting\\.flap_window: `));
    }
    expectNoDatabase();
  });

  it('a wrong type in a nested section names its full key', async () => {
    await writeFile(join(home.path, 'monitor.yaml'), 'hosts:\n  web-01:\n    description: [not, a, string]\n');
    const result = await runCli(['hosts', 'list'], { home: home.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/monitor\.yaml:3: hosts\.web-01\.description: /);
  });

  it('--config naming a missing file exits 2 naming the path, instead of falling back to defaults', async () => {
    const result = await runCli(['--config', 'missing.yaml', 'hosts', 'list'], { home: home.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`monitor: config file not found: ${join(home.path, 'missing.yaml')} — check the path given by --config\n`);
    expectNoDatabase();

    const env = await runCli(['hosts', 'list'], { home: home.path, env: { MONITOR_CONFIG: '/nonexistent/monitor.yaml' } });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/config file not found: \/nonexistent\/monitor\.yaml — check the path given by MONITOR_CONFIG/);
  });

  it('reports the check params it gets wrong in the same run as its structural mistakes', async () => {
    const file = join(home.path, 'monitor.yaml');
    await writeFile(
      file,
      [
        'agent:',
        '  sample_window: fast',
        'default_checks:',
        '  disk_space: { crit: high }',
        'hosts:',
        '  web-01:',
        '    checks:',
        '      cpu_usage: { warn: 90, crit: 95, bogus: 1 }',
        '',
      ].join('\n'),
    );
    const result = await runCli(['hosts', 'list'], { home: home.path });
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^monitor: ${file}:2: agent\\.sample_window: expected a duration`));
    expect(lines[1]).toMatch(new RegExp(`^${file}:4: default_checks\\.disk_space\\.crit: `));
    expect(lines[2]).toMatch(new RegExp(`^${file}:8: hosts\\.web-01\\.checks\\.cpu_usage\\.bogus: unknown `));
    expectNoDatabase();
  });

  it('a YAML syntax error is exit 2 with the file and line', async () => {
    await writeFile(join(home.path, 'monitor.yaml'), 'database:\n  url: [unclosed\n');
    const result = await runCli(['hosts', 'list'], { home: home.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/monitor\.yaml:\d+/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
