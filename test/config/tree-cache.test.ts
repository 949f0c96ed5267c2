// The parsed-tree cache: a second load of an unchanged file does not parse YAML again, an edited file
// is parsed afresh, and no value from the environment is ever written to the cache.

import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { parseRawTreeCached } from '../../src/config/tree-cache.js';
import { useTempDir } from '../support/temp-dir.js';

describe('config tree cache', () => {
  const dir = useTempDir('monitor-tree-cache-');

  it('reuses the parsed tree while the text is the same, and reparses an edited file', async () => {
    const file = join(dir.path, 'monitor.yaml');
    const cacheDir = join(dir.path, 'cache');
    await writeFile(file, 'agent:\n  host_name: web-01\n');
    const first = await parseRawTreeCached('agent:\n  host_name: web-01\n', file, cacheDir);
    const [cacheFile] = await readdir(cacheDir);
    // Poison the cached tree: if the next call reads it, we see the poison, proving no reparse.
    type Entries<T> = { entries: { value: T }[] };
    const cached = JSON.parse(await readFile(join(cacheDir, cacheFile!), 'utf8')) as { root: Entries<Entries<{ value: string }>> };
    cached.root.entries[0]!.value.entries[0]!.value.value = 'from-cache';
    await writeFile(join(cacheDir, cacheFile!), JSON.stringify(cached));

    const second = await parseRawTreeCached('agent:\n  host_name: web-01\n', file, cacheDir);
    expect(JSON.stringify(second.root)).toContain('from-cache');
    expect(second.lines.get(['agent', 'host_name'])).toBe(first.lines.get(['agent', 'host_name']));

    const edited = await parseRawTreeCached('agent:\n  host_name: web-02\n', file, cacheDir);
    expect(JSON.stringify(edited.root)).toContain('web-02');
    expect(JSON.stringify(edited.root)).not.toContain('from-cache');
  });

  it('caches the text as written, never the expanded environment values', async () => {
    const home = dir.path;
    const file = join(home, 'monitor.yaml');
    await writeFile(file, 'agent:\n  host_key: ${SECRET_KEY}\n');
    const env = { SECRET_KEY: 'mk_super-secret-value' };
    const first = await loadConfig({ explicitPath: file, env, cwd: home, homedir: home });
    const again = await loadConfig({ explicitPath: file, env, cwd: home, homedir: home });
    expect(first.agent.hostKey).toBe('mk_super-secret-value');
    expect(again.agent.hostKey).toBe('mk_super-secret-value');
    const cacheDir = join(home, '.cache', 'monitor');
    const [cacheFile] = await readdir(cacheDir);
    const text = await readFile(join(cacheDir, cacheFile!), 'utf8');
    expect(text).toContain('${SECRET_KEY}');
    expect(text).not.toContain('mk_super-secret-value');
  });
});
