// The CLI's code cache (src/cli-start.ts, src/code-cache.ts): each command keeps the code V8 compiled
// in its first good run and starts from it later (`check`, which cron runs every minute, above all);
// dry runs keep nothing; damaged or foreign caches are handled as the one-file agent's are
// (test/e2e/collect-agents.test.ts). Through bin/monitor, on SQLite. Needs `npm run build` first.

import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, spawnCli, type CliResult } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

const INODE_PLUGIN = fileURLToPath(new URL('../fixtures/plugins/inode-usage.mjs', import.meta.url));
// A plugin (an ES module the bundle imports through src/cli-start.ts) and a check type that needs it:
// if the plugin did not load, the config would be refused (exit 2).
const CONFIG = `plugins:
  - ${INODE_PLUGIN}
check_types:
  inode_usage:
    name: Inode Usage
    function: inode_usage
    params: { warn: 80, crit: 90 }
default_checks:
  inode_usage:
  disk_space:
`;

describe('the CLI code cache', () => {
  const home = useTempDir('monitor-code-cache-');
  const cacheDir = (): string => join(home.path, '.cache/monitor');
  /** The code caches in the cache dir, of `check` runs unless told otherwise. */
  const codeCaches = async (command = 'check'): Promise<string[]> =>
    (await readdir(cacheDir()).catch(() => [] as string[]))
      .filter((name) => name.startsWith('cli-code-') && (command === '*' || name.endsWith(`-${command}.v8`)))
      .sort();
  const monitor = (argv: string[]): Promise<CliResult> => spawnCli(argv, { home: home.path, cwd: home.path });

  async function checkedFleet(): Promise<void> {
    await writeFile(join(home.path, 'monitor.yaml'), CONFIG);
    expect(await monitor(['hosts', 'add', 'web-01'])).toMatchObject({ code: 0, stderr: '' });
  }

  async function checkRun(extra: string[] = []): Promise<void> {
    const run = await monitor(['check', '--json', ...extra]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    // Both checks ran: the plugin's too (an unknown host's checks are unknown, not problems).
    expect(JSON.parse(run.stdout)).toMatchObject({ checks_evaluated: 2, problems: [] });
  }

  it('is kept (0600, in a 0700 dir) after the first check, and the next check starts from it', async () => {
    await checkedFleet();
    expect(await codeCaches()).toEqual([]);
    await checkRun();
    const [cache] = await codeCaches();
    expect(cache).toMatch(/^cli-code-[0-9a-f]{16}-check\.v8$/);
    expect((await stat(cacheDir())).mode & 0o777).toBe(0o700);
    const written = await stat(join(cacheDir(), cache!));
    expect(written.mode & 0o777).toBe(0o600);
    expect(written.size).toBeGreaterThan(100_000);

    await checkRun();
    // V8 took it: it was not written again.
    expect((await stat(join(cacheDir(), cache!))).mtimeMs).toBe(written.mtimeMs);
    expect(await codeCaches()).toEqual([cache]);
    // --verbose runs the bundle through Node's own loader (for source maps): plugins load there too.
    await checkRun(['--verbose']);
  });

  it('is kept per command, and not by dry runs or by a run that failed', async () => {
    await checkedFleet();
    expect((await monitor(['check', '--dry-run'])).code).toBe(0);
    expect((await monitor(['collect', '--print'])).code).toBe(0);
    expect((await monitor(['no-such-command'])).code).toBe(2);
    await writeFile(join(home.path, 'monitor.yaml'), 'alerting: { no_such_key: 1 }\n');
    expect((await monitor(['check'])).code).toBe(2);
    // Only checkedFleet's `hosts add` kept one.
    expect(await codeCaches('*')).toEqual([expect.stringMatching(/-hosts\.v8$/)]);

    await writeFile(join(home.path, 'monitor.yaml'), CONFIG);
    expect((await monitor(['--help'])).code).toBe(0);
    expect((await monitor(['collect'])).code).toBe(0);
    expect(await codeCaches('*')).toEqual([
      expect.stringMatching(/-cli\.v8$/),
      expect.stringMatching(/-collect\.v8$/),
      expect.stringMatching(/-hosts\.v8$/),
    ]);
  });

  it('finds the command after a global option with a value: `monitor -c FILE check`', async () => {
    await checkedFleet();
    const run = await monitor(['-c', join(home.path, 'monitor.yaml'), 'check']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(await codeCaches()).toEqual([expect.stringMatching(/-check\.v8$/)]);
  });

  it('refuses a damaged cache, runs as ever and writes a good one; caches of other builds and torn writes are removed', async () => {
    await checkedFleet();
    await checkRun();
    const [cache] = await codeCaches();
    const good = await readFile(join(cacheDir(), cache!));
    const damaged = Buffer.from(good);
    const middle = Math.floor(damaged.length / 2);
    damaged[middle] = damaged[middle]! ^ 0xff;
    await writeFile(join(cacheDir(), cache!), damaged, { mode: 0o600 });
    await writeFile(join(cacheDir(), 'cli-code-0000000000000000-check.v8'), good, { mode: 0o600 });
    // What a run killed between writing its cache and renaming it into place left.
    await writeFile(join(cacheDir(), `.tmp-${cache!}-12345-abcdef`), good);

    await checkRun();
    expect(await codeCaches('*')).toEqual([cache, expect.stringMatching(/-hosts\.v8$/)]);
    expect((await readdir(cacheDir())).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
    expect((await readFile(join(cacheDir(), cache!))).equals(damaged)).toBe(false);
    await checkRun();
  });

  it('is used only if nobody else can write it; otherwise this run writes its own', async () => {
    await checkedFleet();
    await checkRun();
    const [cache] = await codeCaches();
    const file = join(cacheDir(), cache!);
    await chmod(file, 0o620);
    const before = (await stat(file)).mtimeMs;
    await checkRun();
    const rewritten = await stat(file);
    expect(rewritten.mtimeMs).not.toBe(before);
    expect(rewritten.mode & 0o777).toBe(0o600);
  });

  it('keeps nothing, and says nothing, where the cache dir cannot be made; the command runs as ever', async () => {
    await writeFile(join(home.path, 'not-a-dir'), '');
    // Under /proc, Node's own mkdir -p never returned: the process spun at full CPU (src/fs/private-dir.ts).
    for (const cacheHome of [join(home.path, 'not-a-dir'), '/proc/self/no-such-dir']) {
      const run = await spawnCli(['--version'], { home: home.path, env: { XDG_CACHE_HOME: cacheHome } });
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    }
  });

  it('compiles a bundle that is ASCII only (read as Latin-1), the dashboard templates escaped', () => {
    const bundle = readFileSync(join(PROJECT_ROOT, 'dist/bundle/monitor.cjs'));
    expect(bundle.findIndex((byte) => byte > 0x7f)).toBe(-1);
    // A template literal of the dashboard, written with "·" in src/web/: escaped by the build.
    expect(bundle.includes('\\u00b7 monitor</title>')).toBe(true);
  });
});
