// One suite, two agents: `monitor collect` (bin/monitor, the full package) and the one-file agent
// (`node monitor-agent.mjs collect`, built by `npm run dist`'s script and copied alone into an empty
// directory, no node_modules anywhere above it). Both run as real processes against the real ingest
// server on a real SQLite database, and must agree on flags, exit codes, messages and the spool.

import { chmod, chown, copyFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAgentBundle } from '../support/agent-bundle.js';
import { useCleanups } from '../support/cleanups.js';
import { spawnCli, type CliResult, PROJECT_ROOT, BIN } from '../support/cli.js';
import { makeTempDir, removeTempDir } from '../support/temp-dir.js';
import { closedPortUrl, lines, trackedAgents, type Agent } from '../commands/support-collect/agent.js';
import { createTestDatabase, serveOn, type ServeFixture, type TestDatabase } from '../commands/support-collect/databases.js';

const defer = useCleanups();
const agent = trackedAgents(defer);

let bundle = '';
beforeAll(async () => {
  const buildDir = await makeTempDir('monitor-agent-build-');
  const emptyDir = await makeTempDir('monitor-agent-alone-');
  bundle = join(emptyDir, 'monitor-agent.mjs');
  await copyFile(await buildAgentBundle(buildDir), bundle);
  await removeTempDir(buildDir);
  return () => removeTempDir(emptyDir);
}, 60_000);

interface Runner {
  name: string;
  bin: () => string;
}

const RUNNERS: Runner[] = [
  { name: 'monitor collect', bin: () => BIN },
  { name: 'monitor-agent.mjs collect', bin: () => bundle },
];

function runWith(runner: Runner, host: Agent, argv: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return spawnCli(argv, { home: host.home, env: { ...host.env, ...env }, bin: runner.bin() });
}

async function serve(): Promise<{ db: TestDatabase; server: ServeFixture }> {
  const db = (await createTestDatabase('sqlite', 'agents'))!;
  defer(() => db.drop());
  const server = await serveOn(db, 'web-01');
  defer(() => server.close());
  return { db, server };
}

describe.each(RUNNERS)('$name', (runner) => {
  it('prints the package version with --version', async () => {
    const host = await agent();
    const pkg = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await runWith(runner, host, ['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('--print prints the report as JSON with the wire fields and sends nothing', async () => {
    const host = await agent({ serverUrl: await closedPortUrl(), hostKey: 'mk_x' });
    const result = await runWith(runner, host, ['collect', '--print', '--dataset', 'orders', '--files', '3']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(report).sort()).toEqual([
      'collected_at',
      'cpu_pct',
      'dataset_name',
      'disk_pct',
      'files_count',
      'host_name',
      'load_1',
      'mem_pct',
    ]);
    expect(report).toMatchObject({ host_name: 'web-01', dataset_name: 'orders', files_count: 3 });
    expect(await host.spoolFiles()).toEqual([]);
  });

  it('spools during an outage (exit 1, one line) and delivers the spool first when the server is back', async () => {
    const { db, server } = await serve();
    const dead = await closedPortUrl();
    const host = await agent({ serverUrl: dead, hostKey: server.hostKey });

    const down = await runWith(runner, host, ['collect']);
    expect(down.code).toBe(1);
    expect(lines(down.stderr)).toEqual([
      `monitor: could not deliver the report: connection refused (ECONNREFUSED) for ${dead}/api/v1/reports — 1 report(s) kept in the spool are sent first on the next run`,
    ]);
    const spooled = await host.spooled();
    expect(spooled).toHaveLength(1);

    const up = await runWith(runner, host, ['collect'], { MONITOR_SERVER_URL: server.url });
    expect(up).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await host.spoolFiles()).toEqual([]);
    const rows = await db.rows();
    expect(rows).toHaveLength(2);
    expect(rows[0]!.host_name).toBe('web-01');
    expect(new Date(`${rows[0]!.collected_at}Z`).toISOString()).toBe(spooled[0]!.collected_at);
  });

  it('does not spool a report refused for a bad key: exit 1, one line naming the setting', async () => {
    const { db, server } = await serve();
    const host = await agent({ serverUrl: server.url, hostKey: 'mk_not-a-key' });
    const refused = await runWith(runner, host, ['collect']);
    expect(refused.code).toBe(1);
    expect(lines(refused.stderr)).toEqual([
      'monitor: server refused the report (401): unknown host key — check agent.host_key (or MONITOR_HOST_KEY); `monitor hosts rotate-key HOST` prints a new key',
    ]);
    expect(await host.spoolFiles()).toEqual([]);
    expect(await db.rows()).toEqual([]);
  });

  it('exits 2 naming the config file and agent.host_key when the key is missing', async () => {
    const host = await agent({ yaml: `server:\n  url: ${await closedPortUrl()}\n` });
    const result = await runWith(runner, host, ['collect']);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([expect.stringContaining(`${host.configFile}: agent.host_key: no host key for 'web-01'`)]);
  });

  it('exits 2 on a bad flag value and on an unknown option, writing nothing', async () => {
    const host = await agent({ serverUrl: await closedPortUrl(), hostKey: 'mk_x' });
    const badFiles = await runWith(runner, host, ['collect', '--dataset', 'orders', '--files', 'many']);
    expect(badFiles.code).toBe(2);
    expect(lines(badFiles.stderr)[0]).toMatch(/^monitor: --files/);
    const unknown = await runWith(runner, host, ['collect', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--bogus'");
    expect(await host.spoolFiles()).toEqual([]);
  });

  it('exits 2 on an unknown config key, naming the file and the line', async () => {
    const host = await agent({ yaml: '  sample_windw: 1s\n', serverUrl: await closedPortUrl(), hostKey: 'mk_x' });
    const result = await runWith(runner, host, ['collect']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${host.configFile}:3: agent.sample_windw`);
  });
});

describe('the two agents share one spool format', () => {
  it.each([
    { spooler: RUNNERS[0]!, sender: RUNNERS[1]! },
    { spooler: RUNNERS[1]!, sender: RUNNERS[0]! },
  ])('what $spooler.name spooled, $sender.name delivers', async ({ spooler, sender }) => {
    const { db, server } = await serve();
    const host = await agent({ serverUrl: await closedPortUrl(), hostKey: server.hostKey });
    expect((await runWith(spooler, host, ['collect'])).code).toBe(1);
    expect(await host.spoolFiles()).toHaveLength(1);
    const sent = await runWith(sender, host, ['collect'], { MONITOR_SERVER_URL: server.url });
    expect(sent).toMatchObject({ code: 0, stderr: '' });
    expect(await db.rows()).toHaveLength(2);
  });
});

describe('the one-file agent alone', () => {
  it('says in one line (exit 2) that one-box mode needs the full package, and writes nothing', async () => {
    const host = await agent();
    const result = await runWith(RUNNERS[1]!, host, ['collect']);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      'monitor: server.url: the one-file agent only sends reports to a server; writing to the database (no server.url / MONITOR_SERVER_URL set) needs the full monitor package (npm install -g monitor)',
    ]);
    expect(await host.spoolFiles()).toEqual([]);
  });

  it('keeps the code it compiled (0600, in a 0700 cache dir) after a run that delivered, and starts from it next time', async () => {
    const { db, server } = await serve();
    const host = await agent({ serverUrl: server.url, hostKey: server.hostKey });
    const cacheDir = join(host.home, '.cache/monitor');
    const codeCaches = async (): Promise<string[]> => (await readdir(cacheDir)).filter((name) => name.startsWith('agent-code-'));

    expect(await runWith(RUNNERS[1]!, host, ['collect'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const [cache] = await codeCaches();
    expect(cache).toMatch(/^agent-code-[0-9a-f]{16}\.v8$/);
    expect((await stat(cacheDir)).mode & 0o777).toBe(0o700);
    const written = await stat(join(cacheDir, cache!));
    expect(written.mode & 0o777).toBe(0o600);

    expect(await runWith(RUNNERS[1]!, host, ['collect'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
    // V8 took it: it was not written again.
    expect((await stat(join(cacheDir, cache!))).mtimeMs).toBe(written.mtimeMs);
    expect(await codeCaches()).toEqual([cache]);
    expect(await db.rows()).toHaveLength(2);
  });

  it('refuses a damaged code cache, runs as ever and writes a good one; caches of other builds are removed', async () => {
    const { db, server } = await serve();
    const host = await agent({ serverUrl: server.url, hostKey: server.hostKey });
    const cacheDir = join(host.home, '.cache/monitor');
    expect((await runWith(RUNNERS[1]!, host, ['collect'])).code).toBe(0);
    const [cache] = await readdir(cacheDir).then((names) => names.filter((name) => name.startsWith('agent-code-')));
    const good = await readFile(join(cacheDir, cache!));
    await writeFile(join(cacheDir, cache!), Buffer.alloc(good.length, 7));
    await writeFile(join(cacheDir, 'agent-code-0000000000000000.v8'), good);
    // What a run killed between writing its cache and renaming it into place left.
    await writeFile(join(cacheDir, `.tmp-${cache!}-12345-abcdef`), good);

    expect(await runWith(RUNNERS[1]!, host, ['collect'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await db.rows()).toHaveLength(2);
    expect((await readdir(cacheDir)).filter((name) => name.startsWith('agent-code-'))).toEqual([cache]);
    expect((await readdir(cacheDir)).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
    expect((await readFile(join(cacheDir, cache!))).equals(Buffer.alloc(good.length, 7))).toBe(false);
  });

  it('refuses a code cache with one byte changed inside it (which V8 itself would abort on) and writes a good one', async () => {
    const { db, server } = await serve();
    const host = await agent({ serverUrl: server.url, hostKey: server.hostKey });
    const cacheDir = join(host.home, '.cache/monitor');
    expect((await runWith(RUNNERS[1]!, host, ['collect'])).code).toBe(0);
    const [cache] = await readdir(cacheDir).then((names) => names.filter((name) => name.startsWith('agent-code-')));
    const good = await readFile(join(cacheDir, cache!));
    const damaged = Buffer.from(good);
    const middle = Math.floor(damaged.length / 2);
    damaged[middle] = damaged[middle]! ^ 0xff;
    await writeFile(join(cacheDir, cache!), damaged, { mode: 0o600 });

    expect(await runWith(RUNNERS[1]!, host, ['collect'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await db.rows()).toHaveLength(2);
    expect((await readFile(join(cacheDir, cache!))).equals(damaged)).toBe(false);
    expect(await runWith(RUNNERS[1]!, host, ['collect'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('uses a code cache only if it is its own and nobody else can write it; otherwise it writes its own', async () => {
    const { server } = await serve();
    const host = await agent({ serverUrl: server.url, hostKey: server.hostKey });
    const cacheDir = join(host.home, '.cache/monitor');
    expect((await runWith(RUNNERS[1]!, host, ['collect'])).code).toBe(0);
    const [cache] = await readdir(cacheDir).then((names) => names.filter((name) => name.startsWith('agent-code-')));
    const file = join(cacheDir, cache!);

    await chmod(file, 0o620);
    const before = (await stat(file)).mtimeMs;
    expect(await runWith(RUNNERS[1]!, host, ['collect'])).toMatchObject({ code: 0, stderr: '' });
    const rewritten = await stat(file);
    expect(rewritten.mtimeMs).not.toBe(before);
    expect(rewritten.mode & 0o777).toBe(0o600);

    if (process.geteuid?.() !== 0) return;
    const nobody = 65534;
    await chown(file, nobody, nobody);
    expect(await runWith(RUNNERS[1]!, host, ['collect'])).toMatchObject({ code: 0, stderr: '' });
    expect((await stat(file)).uid).toBe(0);
  });
});
