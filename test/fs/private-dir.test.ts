// makePrivateDir: mkdir -p with 0700 for what it creates, and an answer for every path — Node's own
// recursive mkdir never returns for one under /proc (src/fs/private-dir.ts).

import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePrivateDir, makePrivateDirSync } from '../../src/fs/private-dir.js';
import { useTempDir } from '../support/temp-dir.js';

describe('makePrivateDir', () => {
  const temp = useTempDir('monitor-private-dir-');

  it('creates every missing directory 0700, and leaves an existing one as its owner made it', async () => {
    await mkdir(join(temp.path, 'a'), { mode: 0o755 });
    await makePrivateDir(join(temp.path, 'a/b/c/d'));
    expect(statSync(join(temp.path, 'a')).mode & 0o777).toBe(0o755);
    for (const dir of ['a/b', 'a/b/c', 'a/b/c/d']) expect(statSync(join(temp.path, dir)).mode & 0o777).toBe(0o700);
    // Again: nothing to do, no error.
    await makePrivateDir(join(temp.path, 'a/b/c/d'));
    makePrivateDirSync(join(temp.path, 'a/b/c/d'));
  });

  it('fails on a file in the way', async () => {
    await writeFile(join(temp.path, 'file'), '');
    await expect(makePrivateDir(join(temp.path, 'file'))).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(makePrivateDir(join(temp.path, 'file/sub'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it.runIf(existsSync('/proc/self'))('fails at once under /proc instead of trying forever', async () => {
    await expect(makePrivateDir('/proc/self/no-such-dir/monitor')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => makePrivateDirSync('/proc/no-such-dir/monitor')).toThrow(/ENOENT/);
  });
});
