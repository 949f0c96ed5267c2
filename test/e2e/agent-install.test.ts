// `agent install` in both programs (bin/monitor and the one-file agent), as real processes, into a
// temp --root with an existing user (nobody), so the test needs no system changes: files, owners and
// modes as promised, unit files that `systemd-analyze verify` accepts (skipped loudly without it),
// the written config runs `collect`, and every mistake is one line, exit 2 (or 1), nothing written.

import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAgentBundle } from '../support/agent-bundle.js';
import { BIN, spawnCli } from '../support/cli.js';
import { makeTempDir, removeTempDir, tempDir } from '../support/temp-dir.js';

const exec = promisify(execFile);
let bundle = '';
beforeAll(async () => {
  const dir = await makeTempDir('monitor-install-build-');
  bundle = await buildAgentBundle(dir);
  return () => removeTempDir(dir);
}, 60_000);

const RUNNERS = [
  { name: 'monitor agent install', bin: () => BIN },
  { name: 'monitor-agent.mjs agent install', bin: () => bundle },
];

async function nobody(): Promise<{ uid: number; gid: number }> {
  const [, , uid, gid] = (await exec('getent', ['passwd', 'nobody'])).stdout.trim().split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function listTree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort();
}

// Owners are set with chown: only root can give a directory to `nobody` (CI runs as root).
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('SKIPPED agent install tests: they chown to nobody and need root');

describe.skipIf(!isRoot).each(RUNNERS)('$name', (runner) => {
  const install = async (root: string, args: string[]) =>
    spawnCli(['agent', 'install', '--root', root, '--user', 'nobody', ...args], { home: root, bin: runner.bin() });

  it('writes the config (0640, group of the user), the state dir (0700, owned by the user) and verified systemd units', async () => {
    const root = await tempDir('monitor-install-root-');
    const result = await install(root, [
      '--server',
      'http://127.0.0.1:9',
      '--name',
      'web-09',
      '--token',
      'mrt_abc',
      '--interval',
      '2m',
      '--systemd',
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const user = await nobody();
    const config = await stat(join(root, 'etc/monitor/agent.yaml'));
    expect([config.mode & 0o777, config.uid, config.gid]).toEqual([0o640, 0, user.gid]);
    const state = await stat(join(root, 'var/lib/monitor/agent'));
    expect([state.mode & 0o777, state.uid, state.gid]).toEqual([0o700, user.uid, user.gid]);
    expect((await stat(join(root, 'var/lib/monitor'))).mode & 0o777).toBe(0o755);
    const text = await readFile(join(root, 'etc/monitor/agent.yaml'), 'utf8');
    expect(text).toContain('registration_token: "mrt_abc"');
    expect(text).toContain('state_dir: "/var/lib/monitor/agent"');
    const service = await readFile(join(root, 'etc/systemd/system/monitor-agent.service'), 'utf8');
    expect(service).toContain(`ExecStart=${process.execPath} `);
    expect(service).toContain(' collect --config /etc/monitor/agent.yaml');
    expect(service).toContain('User=nobody');
    // The user has no home: the parsed config and the compiled agent are cached in its state dir.
    expect(service).toContain('Environment=XDG_CACHE_HOME=/var/lib/monitor/agent/cache');
    expect(await readFile(join(root, 'etc/systemd/system/monitor-agent.timer'), 'utf8')).toContain('OnUnitActiveSec=120s');

    const verifier = await exec('sh', ['-c', 'command -v systemd-analyze']).catch(() => null);
    if (!verifier) {
      console.warn('SKIPPED systemd-analyze verify: systemd-analyze is not installed');
      return;
    }
    const verified = await exec('systemd-analyze', [
      'verify',
      join(root, 'etc/systemd/system/monitor-agent.service'),
      join(root, 'etc/systemd/system/monitor-agent.timer'),
    ]);
    // Only the warning about the test's stand-in user: a real install runs as its own user.
    expect(verified.stderr.split('\n').filter((line) => line && !line.includes('Special user nobody'))).toEqual([]);
  });

  it('--cron writes a cron.d line running collect as the user', async () => {
    const root = await tempDir('monitor-install-root-');
    const result = await install(root, [
      '--server',
      'http://127.0.0.1:9',
      '--name',
      'web-09',
      '--key',
      'mk_abc',
      '--interval',
      '5m',
      '--cron',
    ]);
    expect(result.code).toBe(0);
    const cron = await readFile(join(root, 'etc/cron.d/monitor-agent'), 'utf8');
    expect(cron).toMatch(/^\*\/5 \* \* \* \* nobody \S+ \S+ collect --config \/etc\/monitor\/agent\.yaml$/m);
    expect(cron).toMatch(/^XDG_CACHE_HOME=\/var\/lib\/monitor\/agent\/cache$/m);
    expect(await readFile(join(root, 'etc/monitor/agent.yaml'), 'utf8')).toContain('host_key: "mk_abc"');
  });

  it('--dry-run prints the steps and the files, and writes nothing', async () => {
    const root = await tempDir('monitor-install-root-');
    const result = await install(root, ['--server', 'http://127.0.0.1:9', '--name', 'web-09', '--key', 'mk_abc', '--systemd', '--dry-run']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Would \(--dry-run, nothing changed\):\n {2}create .*var\/lib\/monitor\/agent \(0700, owner nobody\)/);
    expect(result.stdout).toContain('[Timer]');
    expect(await listTree(root)).toEqual([]);
  });

  it.each([
    [['--name', 'web-09', '--key', 'k'], "required option '--server <url>' not specified"],
    [['--server', 'http://x:1', '--name', 'web-09'], 'give exactly one of --key KEY'],
    [['--server', 'http://x:1', '--name', 'web-09', '--key', 'k', '--token', 't'], 'give exactly one of --key KEY'],
    [['--server', 'ftp://x', '--name', 'web-09', '--key', 'k'], '--server:'],
    [['--server', 'http://x:1', '--name', 'bad name', '--key', 'k'], '--name:'],
    [['--server', 'http://x:1', '--name', 'web-09', '--key', 'k', '--cron', '--interval', '7m'], '--interval with --cron'],
    [['--server', 'http://x:1', '--name', 'web-09', '--key', 'k', '--cron', '--systemd'], 'choose one of --systemd and --cron'],
  ])('refuses %j with exit 2 and one line, writing nothing', async (args, message) => {
    const root = await tempDir('monitor-install-root-');
    const result = await install(root, args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(await listTree(root)).toEqual([]);
  });

  it('will not replace an existing config without --force (exit 1), and replaces it with --force', async () => {
    const root = await tempDir('monitor-install-root-');
    const args = ['--server', 'http://127.0.0.1:9', '--name', 'web-09', '--key', 'mk_abc'];
    expect((await install(root, args)).code).toBe(0);
    const again = await install(root, [...args.slice(0, -1), 'mk_new']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/agent\.yaml already exists — add --force/);
    expect(await readFile(join(root, 'etc/monitor/agent.yaml'), 'utf8')).toContain('mk_abc');
    expect((await install(root, [...args.slice(0, -1), 'mk_new', '--force'])).code).toBe(0);
    expect(await readFile(join(root, 'etc/monitor/agent.yaml'), 'utf8')).toContain('mk_new');
  });
});
