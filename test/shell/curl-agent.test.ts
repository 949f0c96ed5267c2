// examples/curl-agent.sh, the no-Node agent, under the shells and awks a user's server has — dash with
// mawk (Debian's defaults), bash with gawk, and busybox (its sh, awk, df, date and the rest) — against
// the real ingest server on a real SQLite database: values the server stores, a server outage and the
// catch-up (spool sent oldest first, deleted only once acknowledged), and a refused key (not spooled).
// A combination whose programs are missing skips loudly, unless CI=true (.ci/run installs them).

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { PROJECT_ROOT } from '../support/cli.js';
import { closedPortUrl } from '../support/network.js';
import { tempDir } from '../support/temp-dir.js';
import { createTestDatabase, serveOn, type ServeFixture, type TestDatabase } from '../commands/support-collect/databases.js';

const SCRIPT = join(PROJECT_ROOT, 'examples/curl-agent.sh');
const defer = useCleanups();

/** A shell, and the programs that answer to their usual names on its PATH. */
interface Flavour {
  name: string;
  shell: string[];
  /** name on PATH -> real program (busybox applets are `busybox` called by that name). */
  tools: Record<string, string>;
}

const BUSYBOX_APPLETS = [
  'awk',
  'cat',
  'date',
  'df',
  'find',
  'grep',
  'head',
  'hostname',
  'ls',
  'mkdir',
  'mv',
  'rm',
  'rmdir',
  'sleep',
  'sort',
  'tr',
];

const FLAVOURS: Flavour[] = [
  { name: 'dash + mawk', shell: ['/usr/bin/dash'], tools: { awk: '/usr/bin/mawk' } },
  { name: 'bash + gawk', shell: ['/bin/bash'], tools: { awk: '/usr/bin/gawk' } },
  {
    name: 'busybox sh + awk + coreutils',
    shell: ['/usr/bin/busybox', 'sh'],
    tools: Object.fromEntries(BUSYBOX_APPLETS.map((applet) => [applet, '/usr/bin/busybox'])),
  },
];

function missing(flavour: Flavour): string[] {
  return [flavour.shell[0]!, ...Object.values(flavour.tools)].filter((file) => !existsSync(file));
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe.each(FLAVOURS)('curl-agent.sh under $name', (flavour) => {
  async function setup(t: {
    skip(note?: string): void;
  }): Promise<{ run: (env: Record<string, string>) => Promise<Run>; stateDir: string; db: TestDatabase; server: ServeFixture } | null> {
    const absent = missing(flavour);
    if (absent.length > 0) {
      if (process.env.CI === 'true') throw new Error(`${flavour.name}: missing ${absent.join(', ')} (.ci/run installs them)`);
      console.warn(`SKIPPED curl-agent.sh under ${flavour.name}: missing ${absent.join(', ')} (apt-get install dash mawk gawk busybox)`);
      t.skip();
      return null;
    }
    const dir = await tempDir('monitor-curl-agent-');
    // This PATH's awk (and for busybox every tool) is the flavour's; curl and the rest come after.
    const bin = join(dir, 'bin');
    await mkdir(bin);
    for (const [name, target] of Object.entries(flavour.tools)) await symlink(target, join(bin, name));
    const stateDir = join(dir, 'state');
    const db = (await createTestDatabase('sqlite', 'curl_agent'))!;
    defer(() => db.drop());
    const server = await serveOn(db, 'sh-01');
    defer(() => server.close());
    const run = (env: Record<string, string>): Promise<Run> =>
      new Promise((resolve) => {
        execFile(
          flavour.shell[0]!,
          [...flavour.shell.slice(1), SCRIPT],
          {
            env: {
              PATH: `${bin}:${process.env.PATH}`,
              MONITOR_HOST_NAME: 'sh-01',
              MONITOR_STATE_DIR: stateDir,
              MONITOR_HOST_KEY: server.hostKey,
              ...env,
            },
            timeout: 30_000,
          },
          (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
        );
      });
    return { run, stateDir, db, server };
  }

  const spoolOf = async (stateDir: string): Promise<string[]> =>
    (await readdir(join(stateDir, 'spool'))).filter((name) => name.endsWith('.json')).sort();

  it('sends a report the server stores, with CPU, memory, disk and load in range', async (t) => {
    const ctx = await setup(t);
    if (!ctx) return;
    const result = await ctx.run({ MONITOR_SERVER_URL: ctx.server.url });
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    const rows = await ctx.db.rows();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.host_name).toBe('sh-01');
    for (const value of [row.cpu_pct, row.mem_pct, row.disk_pct]) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(100);
    }
    expect(row.mem_pct).toBeGreaterThan(0);
    expect(row.load_1).toBeGreaterThanOrEqual(0);
    expect(await spoolOf(ctx.stateDir)).toEqual([]);
  });

  it('keeps reports in the spool through an outage (exit 1, one line) and sends them oldest first when the server is back', async (t) => {
    const ctx = await setup(t);
    if (!ctx) return;
    const dead = await closedPortUrl();
    for (let i = 0; i < 2; i++) {
      const down = await ctx.run({ MONITOR_SERVER_URL: dead });
      expect(down.code).toBe(1);
      expect(down.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^curl-agent: could not deliver the report: .* report\(s\) kept in the spool are sent first on the next run$/,
        ),
      ]);
      // A second later: the next report's collected_at (whole seconds) differs.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
    }
    expect(await spoolOf(ctx.stateDir)).toHaveLength(2);
    expect(await ctx.db.rows()).toEqual([]);

    const up = await ctx.run({ MONITOR_SERVER_URL: ctx.server.url });
    expect(up).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await spoolOf(ctx.stateDir)).toEqual([]);
    const rows = await ctx.db.rows();
    expect(rows).toHaveLength(3);
    // Stored in the order sent: oldest first.
    const received = rows.map((row) => row.received_at);
    expect([...received].sort()).toEqual(received);
  });

  it('does not spool a report refused for a bad key: exit 1, one line naming MONITOR_HOST_KEY', async (t) => {
    const ctx = await setup(t);
    if (!ctx) return;
    const refused = await ctx.run({ MONITOR_SERVER_URL: ctx.server.url, MONITOR_HOST_KEY: 'mk_wrong' });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^curl-agent: server refused the report \(401\): .*check MONITOR_HOST_KEY/),
    ]);
    expect(await spoolOf(ctx.stateDir)).toEqual([]);
    expect(await ctx.db.rows()).toEqual([]);
  });

  it('exits 2 with one line when MONITOR_SERVER_URL is missing, writing nothing', async (t) => {
    const ctx = await setup(t);
    if (!ctx) return;
    const result = await ctx.run({});
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('curl-agent: set MONITOR_SERVER_URL, e.g. http://monitor.example.com:8080\n');
    expect(existsSync(ctx.stateDir)).toBe(false);
  });
});
