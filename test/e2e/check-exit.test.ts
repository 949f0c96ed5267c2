// `monitor check` as cron runs it: a real process, its exit code and its output. Exit 0 whenever it
// ran, whatever it found (nothing printed when nothing changed); exit 1 with one line naming the
// database when it could not run. Needs `npm run build` (bin/monitor runs dist/).

import { describe, expect, it } from 'vitest';
import { closedPort } from '../support/network.js';
import { spawnCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

describe('monitor check as a process', () => {
  const home = useTempDir('monitor-check-exit-');

  it('exits 0 and prints nothing on a fresh machine: the embedded database is created, no host has anything to say', async () => {
    const result = await spawnCli(['check'], { home: home.path });
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    // And again, now that the database exists.
    expect(await spawnCli(['check', '--json'], { home: home.path })).toMatchObject({ code: 0, stderr: '' });
  });

  it('exits 1 with one line and no stack trace when the database cannot be reached', async () => {
    const port = await closedPort();
    const result = await spawnCli(['check'], { home: home.path, env: { MONITOR_DATABASE_URL: `mysql://root@127.0.0.1:${port}/monitor` } });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^monitor: cannot connect to MySQL at 127\\.0\\.0\\.1:${port} \\([^\\n]*\\n$`));
  });

  it('exits 1 for an unknown --host, and 2 for a flag it does not know', async () => {
    const unknown = await spawnCli(['check', '--host', 'nobody'], { home: home.path });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("host 'nobody' is not registered");
    const usage = await spawnCli(['check', '--hots', 'web-01'], { home: home.path });
    expect(usage.code).toBe(2);
  });
});
