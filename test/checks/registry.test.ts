import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPlugins } from '../../src/checks/load-plugins.js';
import { builtinChecks, createRegistry } from '../../src/checks/registry.js';
import { ConfigError } from '../../src/errors.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'fixtures', 'plugins');
const srcChecks = join(here, '..', '..', 'src', 'checks');

async function configErrorOf(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('check registry', () => {
  it('registers every built-in under the snake_case name of its kebab-case file', () => {
    expect(builtinChecks.map((fn) => fn.name).sort()).toEqual(['dataset_freshness', 'files_count', 'host_silent', 'metric_threshold']);
    for (const fn of builtinChecks) expect(existsSync(join(srcChecks, `${fn.name.replace(/_/g, '-')}.ts`))).toBe(true);
  });

  it('finds functions by name and lists them sorted', () => {
    const registry = createRegistry();
    expect(registry.get('host_silent').name).toBe('host_silent');
    expect(registry.has('metric_threshold')).toBe(true);
    expect(registry.has('nope')).toBe(false);
    expect(registry.list().map((fn) => fn.name)).toEqual(['dataset_freshness', 'files_count', 'host_silent', 'metric_threshold']);
  });

  it('names the known functions when asked for an unknown one', () => {
    expect(() => createRegistry().get('disk_check')).toThrow(
      "function: unknown check function 'disk_check'; known: dataset_freshness, files_count, host_silent, metric_threshold",
    );
    expect(() => createRegistry().get('disk_check')).toThrow(ConfigError);
  });
});

describe('plugin loading', () => {
  it('loads a plugin module and registers its default-array and named exports next to the built-ins', async () => {
    const plugins = await loadPlugins([join(fixtures, 'inode-usage.mjs')]);
    expect(plugins.map((fn) => fn.name).sort()).toEqual(['always_ok', 'inode_usage']);
    const registry = createRegistry(plugins);
    const inode = registry.get('inode_usage');
    const result = inode.evaluate({
      hostName: 'web-01',
      hostCreatedAt: new Date(0),
      params: { crit: 90 },
      now: new Date(1000),
      samples: [{ collectedAt: new Date(500), cpuPct: null, memPct: null, diskPct: null, load1: 93 }],
      lastReportAt: new Date(500),
      datasets: [],
      current: 'ok',
      sampleMaxAgeMs: 300_000,
    });
    expect(result).toEqual({ status: 'critical', value: 93, message: "Host 'web-01' inode usage critical: 93%" });
    expect(registry.list()).toHaveLength(6);
  });

  it('resolves relative plugin paths from the base directory', async () => {
    const plugins = await loadPlugins(['./inode-usage.mjs'], { baseDir: fixtures });
    expect(plugins).toHaveLength(2);
  });

  it('reports a plugin that exports nothing valid, saying what is wrong with it', async () => {
    const path = join(fixtures, 'not-a-check.mjs');
    const error = await configErrorOf(loadPlugins([path]));
    expect(error.issues).toEqual([
      {
        key: 'plugins',
        message: `${path}: exports no check function (export 'halfDone': window must be a function); export objects with name, description, params, window() and evaluate()`,
        file: null,
        line: null,
      },
    ]);
  });

  it('refuses a plugin whose reads is not a function', async () => {
    const path = join(fixtures, 'bad-reads.mjs');
    const error = await configErrorOf(loadPlugins([path]));
    expect(error.issues[0]!.message).toBe(
      `${path}: exports no check function (export 'badReads': reads must be a function); export objects with name, description, params, window() and evaluate()`,
    );
  });

  it('reports plugins that cannot be loaded, all at once, with the config file and line', async () => {
    const missing = join(fixtures, 'missing.mjs');
    const throws = join(fixtures, 'throws-on-load.mjs');
    const error = await configErrorOf(
      loadPlugins([missing, throws], {
        file: '/etc/monitor/monitor.yaml',
        lineOf: (path) => (path.length === 2 ? 40 + Number(path[1]) : null),
      }),
    );
    expect(error.issues).toHaveLength(2);
    expect(error.issues[0]).toMatchObject({ key: 'plugins', file: '/etc/monitor/monitor.yaml', line: 40 });
    expect(error.issues[0]!.message).toMatch(new RegExp(`^${missing}: cannot load: `));
    expect(error.issues[1]).toMatchObject({ line: 41, message: `${throws}: cannot load: plugin exploded while loading` });
  });

  it('refuses a plugin function that takes a built-in name', async () => {
    const path = join(fixtures, 'clashes.mjs');
    const error = await configErrorOf(loadPlugins([path]));
    expect(error.issues[0]!.message).toBe(`${path}: check function 'host_silent' is already defined by a built-in check; rename it`);
  });

  it('refuses the same function name from two plugins, naming the first', async () => {
    const path = join(fixtures, 'inode-usage.mjs');
    const error = await configErrorOf(loadPlugins([path, path]));
    expect(error.issues.map((i) => i.message).sort()).toEqual([
      `${path}: check function 'always_ok' is already defined by plugin ${path}; rename it`,
      `${path}: check function 'inode_usage' is already defined by plugin ${path}; rename it`,
    ]);
  });

  it('refuses duplicate names handed to the registry directly', () => {
    const [first] = builtinChecks;
    expect(() => createRegistry([first!])).toThrow(ConfigError);
  });
});
