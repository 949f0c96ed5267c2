// The global --database URL: every command takes it, before or after the command name, and it wins
// over database.url in the config file and over MONITOR_DATABASE_URL.

import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

describe('--database', () => {
  const home = useTempDir('monitor-database-option-');

  it('wins over the config file and MONITOR_DATABASE_URL, before or after the command name', async () => {
    const [fromFile, fromEnv, fromFlag] = ['file.db', 'env.db', 'flag.db'].map((name) => join(home.path, name)) as [string, string, string];
    await writeFile(join(home.path, 'monitor.yaml'), `database:\n  url: sqlite:${fromFile}\n`);
    const env = { MONITOR_DATABASE_URL: `sqlite:${fromEnv}` };

    const added = await runCli(['--database', `sqlite:${fromFlag}`, 'hosts', 'add', 'web-01'], { home: home.path, env });
    expect(added.code).toBe(0);
    expect([existsSync(fromFile), existsSync(fromEnv), existsSync(fromFlag)]).toEqual([false, false, true]);

    const listed = await runCli(['hosts', 'list', '--database', fromFlag], { home: home.path, env });
    expect(listed.stdout).toMatch(/^web-01 /m);
    const elsewhere = await runCli(['hosts', 'list'], { home: home.path, env });
    expect(elsewhere.stdout).not.toMatch(/^web-01 /m);
  });

  it('exits 2 naming the option when the URL is not one it can use, and opens nothing', async () => {
    const result = await runCli(['alerts', 'list', '--database', 'postgres://db/monitor'], { home: home.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "monitor: --database: unsupported database 'postgres:' (use mysql://user:***@host:3306/database or sqlite:PATH)\n",
    );
    expect(existsSync(join(home.path, '.local/share/monitor/monitor.db'))).toBe(false);
  });
});
