import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { defaultConfigFile, defaultDirs, locateConfig } from '../../src/config/locate.js';
import type { LocateOptions } from '../../src/config/locate.js';
import { loadConfig } from '../../src/config/load.js';
import { asyncIssuesOf, tempDir, writeText } from './helpers.js';

/** A machine in a temp dir: a home, a cwd, an XDG config home and a stand-in for /etc. */
async function machine() {
  const root = await tempDir();
  const home = join(root, 'home');
  const cwd = join(root, 'project');
  const xdg = join(root, 'xdg-config');
  const system = join(root, 'etc/monitor/monitor.yaml');
  await mkdir(home, { recursive: true });
  await mkdir(cwd, { recursive: true });
  const base = (env: Record<string, string> = {}, explicitPath?: string): LocateOptions => ({
    explicitPath,
    env,
    cwd,
    homedir: home,
    systemFile: system,
  });
  return { root, home, cwd, xdg, system, base };
}

describe('finding the config file', () => {
  it('takes --config over MONITOR_CONFIG over ./monitor.yaml over the user file over /etc', async () => {
    const m = await machine();
    const flag = await writeText(join(m.root, 'flag.yaml'), '');
    const env = await writeText(join(m.root, 'env.yaml'), '');
    const cwd = await writeText(join(m.cwd, 'monitor.yaml'), '');
    const user = await writeText(join(m.xdg, 'monitor/monitor.yaml'), '');
    await writeText(m.system, '');
    const withXdg = { MONITOR_CONFIG: env, XDG_CONFIG_HOME: m.xdg };

    expect(await locateConfig(m.base(withXdg, flag))).toEqual({ file: flag, source: 'flag' });
    expect(await locateConfig(m.base(withXdg))).toEqual({ file: env, source: 'env' });
    expect(await locateConfig(m.base({ XDG_CONFIG_HOME: m.xdg }))).toEqual({ file: cwd, source: 'cwd' });
    await rm(cwd);
    expect(await locateConfig(m.base({ XDG_CONFIG_HOME: m.xdg }))).toEqual({ file: user, source: 'user' });
    await rm(user);
    expect(await locateConfig(m.base({ XDG_CONFIG_HOME: m.xdg }))).toEqual({ file: m.system, source: 'system' });
    await rm(m.system);
    expect(await locateConfig(m.base({ XDG_CONFIG_HOME: m.xdg }))).toBeNull();
  });

  it('uses ~/.config/monitor/monitor.yaml when XDG_CONFIG_HOME is unset or relative', async () => {
    const m = await machine();
    const file = await writeText(join(m.home, '.config/monitor/monitor.yaml'), '');
    expect(await locateConfig(m.base())).toEqual({ file, source: 'user' });
    expect(await locateConfig(m.base({ XDG_CONFIG_HOME: 'relative/dir' }))).toEqual({ file, source: 'user' });
  });

  it('resolves relative --config and MONITOR_CONFIG paths against the working directory', async () => {
    const m = await machine();
    const file = await writeText(join(m.cwd, 'conf/a.yaml'), '');
    expect(await locateConfig(m.base({}, 'conf/a.yaml'))).toEqual({ file, source: 'flag' });
    expect(await locateConfig(m.base({ MONITOR_CONFIG: 'conf/a.yaml' }))).toEqual({ file, source: 'env' });
  });

  it('fails with exit 2 when --config names a file that does not exist, instead of using defaults', async () => {
    const m = await machine();
    await writeText(join(m.cwd, 'monitor.yaml'), '');
    const missing = join(m.root, 'nope.yaml');
    const error = await asyncIssuesOf(() => locateConfig(m.base({}, missing)));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`config file not found: ${missing}`);
    expect(error.hint).toContain('--config');
  });

  it('fails when MONITOR_CONFIG names a missing file, even though ./monitor.yaml exists', async () => {
    const m = await machine();
    await writeText(join(m.cwd, 'monitor.yaml'), '');
    const error = await asyncIssuesOf(() => locateConfig(m.base({ MONITOR_CONFIG: 'missing.yaml' })));
    expect(error.message).toBe(`config file not found: ${join(m.cwd, 'missing.yaml')}`);
    expect(error.hint).toContain('MONITOR_CONFIG');
  });

  it('refuses a directory given as the config file', async () => {
    const m = await machine();
    const error = await asyncIssuesOf(() => locateConfig(m.base({}, m.cwd)));
    expect(error.message).toBe(`config path is a directory, not a file: ${m.cwd}`);
  });

  it('ignores an empty MONITOR_CONFIG', async () => {
    const m = await machine();
    const file = await writeText(join(m.cwd, 'monitor.yaml'), '');
    expect(await locateConfig(m.base({ MONITOR_CONFIG: '' }))).toEqual({ file, source: 'cwd' });
  });

  it('loads built-in defaults when no file exists anywhere', async () => {
    const m = await machine();
    const config = await loadConfig({ ...m.base(), hostname: 'box' });
    expect(config.file).toBeNull();
    expect(config.lineOf(['database'])).toBeNull();
    expect(config.database.target).toEqual({ kind: 'sqlite', path: join(m.home, '.local/share/monitor/monitor.db') });
  });

  it('loads the file it finds and records its path', async () => {
    const m = await machine();
    const file = await writeText(join(m.cwd, 'monitor.yaml'), 'database:\n  pool_size: 3\n');
    const config = await loadConfig({ ...m.base(), hostname: 'box' });
    expect(config.file).toBe(file);
    expect(config.database.poolSize).toBe(3);
    expect(config.lineOf(['database', 'pool_size'])).toBe(2);
  });
});

describe('default directories', () => {
  it('follows XDG_DATA_HOME, XDG_STATE_HOME, XDG_CONFIG_HOME and XDG_CACHE_HOME', () => {
    const env = { XDG_DATA_HOME: '/d', XDG_STATE_HOME: '/s', XDG_CONFIG_HOME: '/c', XDG_CACHE_HOME: '/k' };
    expect(defaultDirs(env, '/home/ops')).toEqual({
      configDir: '/c/monitor',
      dataDir: '/d/monitor',
      stateDir: '/s/monitor',
      databaseFile: '/d/monitor/monitor.db',
      cacheDir: '/k/monitor',
    });
  });

  it('falls back to ~/.config, ~/.local/share, ~/.local/state and ~/.cache', () => {
    expect(defaultDirs({}, '/home/ops')).toEqual({
      configDir: '/home/ops/.config/monitor',
      dataDir: '/home/ops/.local/share/monitor',
      stateDir: '/home/ops/.local/state/monitor',
      databaseFile: '/home/ops/.local/share/monitor/monitor.db',
      cacheDir: '/home/ops/.cache/monitor',
    });
    expect(defaultConfigFile({ env: {}, homedir: '/home/ops' })).toBe('/home/ops/.config/monitor/monitor.yaml');
  });
});
