// `monitor checks assign|sync|list|types`, in-process, on SQLite and MariaDB. The config is a real,
// hand-commented YAML file in the test's HOME (the working directory: ./monitor.yaml).

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, expect, it } from 'vitest';
import { eachBackend, type AdminBackend } from './support-admin/backends.js';
import { NOW, parseJson } from './support-admin/fixtures.js';

const CONFIG = `# Lab monitoring. Hand-written: keep these comments.
default_checks:
  cpu_usage:          # the built-in thresholds
  memory_usage:
  disk_space:
    warn: 75 # warn a little earlier everywhere

hosts:
  # The web tier.
  web-01:
    description: Front web server
    checks:
      memory_usage: { crit: 95 }   # big JVM heap
  # Ordered, not racked yet: its checks apply once it is registered.
  ghost-01:
    checks:
      cpu_usage: false

# Trailing comment.
`;

const KNOWN = 'cpu_usage, dataset_freshness, disk_space, files_count, host_silent, memory_usage';

interface HostCheckRow {
  host: string;
  check: string;
  params: Record<string, unknown>;
  enabled: number;
}

/** host_alert_checks joined by hand, as a user's SQL would. */
async function hostChecks(b: AdminBackend): Promise<HostCheckRow[]> {
  const rows = await b.sql<{ host_name: string; check_key: string; params_json: string; enabled: number }>(
    `SELECT h.host_name, t.check_key, c.params_json, c.enabled
       FROM host_alert_checks c
       JOIN hosts h ON h.host_id = c.host_id
       JOIN alert_types t ON t.check_id = c.check_id
      ORDER BY h.host_name, t.check_key`,
  );
  return rows.map((row) => ({
    host: row.host_name,
    check: row.check_key,
    params: JSON.parse(row.params_json) as Record<string, unknown>,
    enabled: Number(row.enabled),
  }));
}

const rowOf = (rows: HostCheckRow[], host: string, check: string) => rows.find((row) => row.host === host && row.check === check);

/**
 * The one block of lines an edit replaced: everything before and after it is byte-for-byte the
 * same in both texts (the caller asserts what the block held and became).
 */
function changedBlock(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < Math.min(a.length, b.length) - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  return { removed: a.slice(head, a.length - tail), added: b.slice(head, b.length - tail) };
}

eachBackend('monitor checks', (backend) => {
  let configFile: string;

  beforeEach(async () => {
    const b = backend();
    configFile = join(b.home, 'monitor.yaml');
    await writeFile(configFile, CONFIG);
    for (const host of ['web-01', 'db-01']) expect((await b.cli(['hosts', 'add', host], { now: NOW })).code).toBe(0);
  });

  it('checks assign --set edits only its key in the YAML (comments kept) and syncs the params', async () => {
    const b = backend();
    const result = await b.cli(['checks', 'assign', 'web-01', 'disk_space', '--set', 'crit=85', '--set', 'for=5m'], { now: NOW });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Enabled disk_space for web-01: .*crit=85 .*for=5m/m);
    const { removed, added } = changedBlock(CONFIG, await readFile(configFile, 'utf8'));
    expect(removed).toEqual([]);
    expect(added.map((line) => line.trim())).toEqual(['disk_space:', 'crit: 85', 'for: 5m']);
    expect(added[0]).toMatch(/^ {6}disk_space:$/); // under web-01's checks, beside memory_usage

    expect(rowOf(await hostChecks(b), 'web-01', 'disk_space')).toEqual({
      host: 'web-01',
      check: 'disk_space',
      params: { warn: 75, crit: 85, for: '5m' },
      enabled: 1,
    });
    // The other host keeps the defaults' layer only.
    expect(rowOf(await hostChecks(b), 'db-01', 'disk_space')!.params).toEqual({ warn: 75 });

    const rows = await hostChecks(b);
    for (let run = 0; run < 2; run++) {
      const sync = await b.cli(['checks', 'sync', '--json'], { now: NOW });
      expect(sync.code).toBe(0);
      expect(parseJson<{ changes: unknown[] }>(sync.stdout).changes).toEqual([]);
      const text = await b.cli(['checks', 'sync'], { now: NOW });
      expect(text.stdout).toMatch(/^Synced: 0 added, 0 changed, 0 disabled, 6 unchanged\.$/m);
    }
    expect(await hostChecks(b)).toEqual(rows);
  });

  it("checks assign --disable writes enabled: false and sets enabled = 0, keeping the host's params", async () => {
    const b = backend();
    const result = await b.cli(['checks', 'assign', 'web-01', 'memory_usage', '--disable'], { now: NOW });
    expect(result.code, result.stderr).toBe(0);
    // Only web-01's memory_usage entry is rewritten; its comment goes along.
    const { removed, added } = changedBlock(CONFIG, await readFile(configFile, 'utf8'));
    expect(removed).toEqual(['      memory_usage: { crit: 95 }   # big JVM heap']);
    expect(added.join('\n')).toMatch(/^ {6}memory_usage:.*# big JVM heap/);
    expect(
      added
        .slice(1)
        .map((line) => line.trim())
        .sort(),
    ).toEqual(['crit: 95', 'enabled: false']);
    expect(rowOf(await hostChecks(b), 'web-01', 'memory_usage')).toMatchObject({ params: { crit: 95 }, enabled: 0 });
    expect(rowOf(await hostChecks(b), 'db-01', 'memory_usage')).toMatchObject({ enabled: 1 });
  });

  it('checks assign --enable after --disable removes the enabled: false line and sets enabled = 1 again', async () => {
    const b = backend();
    expect((await b.cli(['checks', 'assign', 'web-01', 'memory_usage', '--disable'], { now: NOW })).code).toBe(0);
    const result = await b.cli(['checks', 'assign', 'web-01', 'memory_usage', '--enable'], { now: NOW });
    expect(result.code, result.stderr).toBe(0);
    const yaml = await readFile(configFile, 'utf8');
    expect(yaml).not.toMatch(/enabled:/);
    expect(yaml).toMatch(/# big JVM heap/);
    expect(rowOf(await hostChecks(b), 'web-01', 'memory_usage')).toMatchObject({ params: { crit: 95 }, enabled: 1 });
  });

  it("checks assign --unset removes the host's own value: the check falls back to what default_checks and the type say", async () => {
    const b = backend();
    const result = await b.cli(['checks', 'assign', 'web-01', 'memory_usage', '--unset', 'crit'], { now: NOW });
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(configFile, 'utf8')).not.toMatch(/crit: 95/);
    const row = rowOf(await hostChecks(b), 'web-01', 'memory_usage')!;
    expect(row.params).toEqual(rowOf(await hostChecks(b), 'db-01', 'memory_usage')!.params);
    expect(row.enabled).toBe(1);
  });

  it('checks assign accepts a threshold valid over what default_checks sets (crit 78 over warn 75), and the config stays usable', async () => {
    const b = backend();
    const result = await b.cli(['checks', 'assign', 'db-01', 'disk_space', '--set', 'crit=78'], { now: NOW });
    expect(result.code, result.stderr).toBe(0);
    expect(rowOf(await hostChecks(b), 'db-01', 'disk_space')).toMatchObject({ params: { warn: 75, crit: 78 }, enabled: 1 });
    expect((await b.cli(['checks', 'sync'], { now: NOW })).code).toBe(0);
  });

  it('a bad param value is exit 2 naming host, check and key; the YAML and the database stay as they were', async () => {
    const b = backend();
    const rows = await hostChecks(b);
    const result = await b.cli(['checks', 'assign', 'web-01', 'disk_space', '--set', 'crit=high', '--set', 'for=5m'], { now: NOW });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/hosts\.web-01\.checks\.disk_space\.crit: .*high/);
    expect(result.stderr).toContain(configFile);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await readFile(configFile, 'utf8')).toBe(CONFIG);
    expect(await hostChecks(b)).toEqual(rows);
  });

  it('an unknown check key is exit 2 listing the known ones, and writes nothing', async () => {
    const b = backend();
    const result = await b.cli(['checks', 'assign', 'web-01', 'disk_spcae', '--set', 'crit=85'], { now: NOW });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`unknown check 'disk_spcae' (known: ${KNOWN})`);
    expect(await readFile(configFile, 'utf8')).toBe(CONFIG);
  });

  it('checks sync --dry-run prints what would be added, changed and disabled, and writes nothing', async () => {
    const b = backend();
    const before = await hostChecks(b);
    const edited = CONFIG.replace('  memory_usage:\n', '  host_silent: { crit: 10m }\n').replace(
      '  # Ordered',
      '  db-01:\n    checks:\n      disk_space: { crit: 78 }\n  # Ordered',
    );
    await writeFile(configFile, edited);

    const dry = await b.cli(['checks', 'sync', '--dry-run'], { now: NOW });
    expect(dry.code, dry.stderr).toBe(0);
    const lines = dry.stdout.trimEnd().split('\n');
    expect(lines.slice(0, -1).sort()).toEqual([
      '+ db-01 host_silent: crit=10m',
      '+ web-01 host_silent: crit=10m',
      '- db-01 memory_usage: disabled',
      '~ db-01 disk_space: warn=75 -> warn=75 crit=78',
    ]);
    expect(lines.at(-1)).toBe('Would sync: 2 added, 1 changed, 1 disabled, 4 unchanged (dry run: nothing written).');
    expect(await hostChecks(b)).toEqual(before);

    expect((await b.cli(['checks', 'sync'], { now: NOW })).stdout).toMatch(/^Synced: 2 added, 1 changed, 1 disabled, 4 unchanged\.$/m);
    const after = await hostChecks(b);
    expect(rowOf(after, 'db-01', 'disk_space')).toMatchObject({ params: { warn: 75, crit: 78 }, enabled: 1 });
    expect(rowOf(after, 'db-01', 'memory_usage')).toMatchObject({ enabled: 0 });
    expect(rowOf(after, 'web-01', 'host_silent')).toMatchObject({ params: { crit: '10m' }, enabled: 1 });
    expect((await b.cli(['checks', 'sync', '--dry-run'], { now: NOW })).stdout).toMatch(
      /^Would sync: 0 added, 0 changed, 0 disabled, 8 unchanged/m,
    );
  });

  it('a host in the YAML that is not registered is a warning, not a failure', async () => {
    const b = backend();
    const sync = await b.cli(['checks', 'sync'], { now: NOW });
    expect(sync.code).toBe(0);
    expect(sync.stderr).toMatch(/^warning: host 'ghost-01' is in the config but not registered/m);

    const assign = await b.cli(['checks', 'assign', 'ghost-01', 'disk_space', '--set', 'crit=80'], { now: NOW });
    expect(assign.code, assign.stderr).toBe(0);
    expect(assign.stderr).toMatch(/host 'ghost-01' is not registered yet/);
    expect(await readFile(configFile, 'utf8')).toMatch(/ghost-01:\n {4}checks:\n {6}cpu_usage: false\n {6}disk_space:\n {8}crit: 80\n/);
    expect((await hostChecks(b)).filter((row) => row.host === 'ghost-01')).toEqual([]);
  });

  it("checks list [HOST] shows the effective thresholds: type defaults under the host's overrides", async () => {
    const b = backend();
    const json = await b.cli(['checks', 'list', 'web-01', '--json'], { now: NOW });
    expect(json.code).toBe(0);
    const rows = parseJson<
      { host_name: string; check_key: string; enabled: boolean; params: Record<string, unknown>; overrides: Record<string, unknown> }[]
    >(json.stdout);
    expect(rows.map((row) => [row.check_key, row.enabled, row.params, row.overrides])).toEqual([
      ['cpu_usage', true, { metric: 'cpu', warn: 85, crit: 95, for: '5m' }, {}],
      ['disk_space', true, { metric: 'disk', warn: 75, crit: 90, for: '0s' }, { warn: 75 }],
      ['memory_usage', true, { metric: 'mem', warn: 80, crit: 95, for: '0s' }, { crit: 95 }],
    ]);

    const table = await b.cli(['checks', 'list'], { now: NOW });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^web-01\s+memory_usage\s+yes\s+metric=mem warn=80 crit=95\* for=0s$/m);
    expect(table.stdout).toMatch(/^db-01\s+disk_space\s+yes\s+metric=disk warn=75\* crit=90 for=0s$/m);

    const unknown = await b.cli(['checks', 'list', 'nope-01'], { now: NOW });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/host 'nope-01' is not registered/);
  });

  it('checks types lists the six built-in check types with their defaults', async () => {
    const b = backend();
    const json = await b.cli(['checks', 'types', '--json'], { now: NOW });
    expect(json.code).toBe(0);
    const types = parseJson<{ check_key: string; check_name: string; function_name: string }[]>(json.stdout);
    expect(
      types
        .map((type) => type.check_key)
        .sort()
        .join(', '),
    ).toBe(KNOWN);
    expect(types.find((type) => type.check_key === 'disk_space')).toMatchObject({
      check_name: 'Disk Space',
      function_name: 'metric_threshold',
    });

    const table = await b.cli(['checks', 'types'], { now: NOW });
    expect(table.stdout).toMatch(/^KEY\s+NAME\s+FUNCTION\s+DEFAULTS\s+COOLDOWN$/m);
    expect(table.stdout).toMatch(/^host_silent\s+Host Silent\s+host_silent\s+crit=5m\s+300s$/m);
    expect(table.stdout.trimEnd().split('\n')).toHaveLength(7);
  });

  it('checks assign without any config file creates the per-user one', async () => {
    const b = backend();
    const { rm } = await import('node:fs/promises');
    await rm(configFile);
    const result = await b.cli(['checks', 'assign', 'db-01', 'disk_space', '--set', 'crit=88'], { now: NOW });
    expect(result.code, result.stderr).toBe(0);
    const userFile = join(b.home, '.config', 'monitor', 'monitor.yaml');
    expect(existsSync(userFile)).toBe(true);
    expect(await readFile(userFile, 'utf8')).toBe('hosts:\n  db-01:\n    checks:\n      disk_space:\n        crit: 88\n');
    expect(rowOf(await hostChecks(b), 'db-01', 'disk_space')).toMatchObject({ params: { crit: 88 }, enabled: 1 });
  });
});
