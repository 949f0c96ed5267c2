import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fullestMountPct, mountsUsage, mountUsage } from '../../src/agent/disk.js';
import { ConfigError } from '../../src/errors.js';
import { tempDir } from '../support/temp-dir.js';

describe('disk used %', () => {
  it('matches the Use% that df prints for /', async () => {
    const dfLine = execFileSync('df', ['-P', '/'], { encoding: 'utf8' }).trim().split('\n')[1]!;
    const dfPct = Number(/(\d+)%/.exec(dfLine)![1]);
    const { pct } = await mountUsage('/');
    // df rounds up to a whole percent.
    expect(Math.ceil(pct - 0.01)).toBeGreaterThanOrEqual(dfPct - 1);
    expect(Math.ceil(pct - 0.01)).toBeLessThanOrEqual(dfPct + 1);
  });

  it('measures the file system holding a directory that is not itself a mount point', async () => {
    const dir = await tempDir();
    const { pct } = await mountUsage(dir);
    expect(pct).toBeGreaterThanOrEqual(0);
    expect(pct).toBeLessThanOrEqual(100);
  });

  it('reports the fullest of the configured mounts', async () => {
    const mounts = ['/', '/proc', await tempDir()];
    const usage = await mountsUsage(mounts);
    expect(usage.map((entry) => entry.mount)).toEqual(mounts);
    // /proc has no blocks: 0%, never a division by zero.
    expect(usage[1]!.pct).toBe(0);
    // The fullest is the root file system's figure (the temp dir shares it or is emptier), never /proc's 0.
    expect(await fullestMountPct(['/proc'])).toBe(0);
    const rootPct = (await mountUsage('/')).pct;
    expect(Math.abs((await fullestMountPct(['/proc', '/'])) - rootPct)).toBeLessThan(1);
  });

  it('names a missing mount as a config error on agent.mounts, with the file and line', async () => {
    const missing = join(await tempDir(), 'not-mounted');
    const error = await fullestMountPct(['/', missing], { file: '/etc/monitor/monitor.yaml', line: 12 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.exitCode).toBe(2);
    expect(configError.issues).toEqual([
      { key: 'agent.mounts', message: `mount "${missing}" does not exist`, file: '/etc/monitor/monitor.yaml', line: 12 },
    ]);
    expect(configError.message).toContain('/etc/monitor/monitor.yaml:12: agent.mounts');
  });

  it('refuses an empty mount list', async () => {
    await expect(fullestMountPct([])).rejects.toBeInstanceOf(ConfigError);
  });
});
