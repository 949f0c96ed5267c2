// assignCheck is the domain half of `checks assign`: called here without the CLI, on a real SQLite
// store and a real YAML file.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../src/checks/registry.js';
import { parseConfig } from '../../src/config/parse.js';
import { ConfigError } from '../../src/errors.js';
import { assignCheck, type AssignRequest } from '../../src/host-checks/assign.js';
import { openStore } from '../../src/store/open-store.js';
import { useCleanups } from '../support/cleanups.js';
import { useTempDir } from '../support/temp-dir.js';
import { databaseConfig } from '../support/database-config.js';

const dir = useTempDir('monitor-assign-');
const defer = useCleanups();

const YAML =
  '# the team keeps its thresholds here\ndefault_checks:\n  disk_space: { warn: 70 }\nhosts:\n  web-01:\n    description: front\n';

async function setUp() {
  const file = join(dir.path, 'monitor.yaml');
  await writeFile(file, YAML);
  const options = { env: {}, cwd: dir.path, homedir: dir.path, hostname: 'here' };
  const store = await openStore(databaseConfig(`sqlite:${join(dir.path, 'monitor.db')}`, { poolSize: 1, connectTimeoutMs: 2000 }));
  defer(() => store.close());
  await store.addHost({ hostName: 'web-01', keyHash: 'x'.repeat(64), description: null, createdAt: new Date() });
  const reloadConfig = async () => parseConfig(await readFile(file, 'utf8'), file, options);
  return {
    file,
    store,
    deps: { store, config: await reloadConfig(), registry: createRegistry(), file, reloadConfig, now: new Date('2026-11-30T12:00:00Z') },
  };
}

const request = (overrides: Partial<AssignRequest>): AssignRequest => ({
  hostName: 'web-01',
  checkKey: 'disk_space',
  set: [],
  unset: [],
  enabled: undefined,
  ...overrides,
});

describe('assignCheck', () => {
  it('edits the host layer keeping comments, syncs it, and returns the effective params', async () => {
    const { file, store, deps } = await setUp();
    const outcome = await assignCheck(deps, request({ set: [['crit', 85]] }));
    expect(outcome).toEqual({
      enabled: true,
      overrides: { warn: 70, crit: 85 },
      params: { metric: 'disk', warn: 70, crit: 85, for: '0s' },
      hostRegistered: true,
      closed: [],
    });
    const text = await readFile(file, 'utf8');
    expect(text).toContain('# the team keeps its thresholds here');
    expect(text).toMatch(/disk_space:\s*\n?\s*crit: 85/);
    const rows = await store.listHostChecks({});
    expect(rows.find((row) => row.checkKey === 'disk_space')).toMatchObject({
      hostName: 'web-01',
      enabled: true,
      params: { warn: 70, crit: 85 },
    });
  });

  it('judges the host layer over what it inherits, and writes nothing when a value is bad', async () => {
    const { file, store, deps } = await setUp();
    // crit 65 is under the inherited warn 70.
    const error = await assignCheck(deps, request({ set: [['crit', 65]] })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues[0]?.key).toMatch(/^hosts\.web-01\.checks\.disk_space\./);
    expect(await readFile(file, 'utf8')).toBe(YAML);
    expect(await store.listHostChecks({})).toEqual([]);
  });
});
