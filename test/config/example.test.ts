import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

import { normaliseParams } from '../../src/checks/params.js';
import { createRegistry } from '../../src/checks/registry.js';
import { CONFIG_KEYS } from '../../src/config/keys.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/monitor.yaml', import.meta.url));

function loadExample(env: Record<string, string> = {}): Promise<Config> {
  return loadConfig({ explicitPath: EXAMPLE, env, cwd: '/', homedir: '/home/ops', hostname: 'this-box' });
}

describe('examples/monitor.yaml', () => {
  it('loads without problems in an empty environment', async () => {
    const config = await loadExample();
    expect(config.file).toBe(EXAMPLE);
    expect(config.database.target).toMatchObject({ kind: 'mysql', user: 'monitor', password: '', host: '127.0.0.1', database: 'monitor' });
    expect(config.agent.hostName).toBe('this-box');
    // Channels whose address comes from an unset variable are off; the command channel is on.
    expect(config.notify.webhooks).toEqual([]);
    expect(config.notify.slack).toBeNull();
    expect(config.notify.email).toBeNull();
    expect(config.notify.commands).toEqual([{ run: 'logger -t monitor', timeoutMs: 30_000, env: { SYSLOG_TAG: 'monitor' } }]);
  });

  it('shows the hosts the docs talk about: stricter memory on db-server-03, storage-server-04 with a dataset check', async () => {
    const config = await loadExample();
    expect(config.hosts['db-server-03']!.checks.memory_usage).toEqual({
      enabled: true,
      params: { warn: 92, crit: 97, for: '5m', clear: 90 },
    });
    expect(config.hosts['storage-server-04']!.checks.dataset_freshness).toEqual({
      enabled: true,
      params: { dataset: 'nightly_export', warn: '26h', crit: '48h' },
    });
    expect(config.hosts['storage-server-04']!.checks.cpu_usage!.enabled).toBe(false);
  });

  it('turns the channels on from the environment', async () => {
    const config = await loadExample({
      MONITOR_DATABASE_PASSWORD: 'pw',
      ALERT_WEBHOOK_URL: 'https://hooks.example.com/monitor',
      ALERT_WEBHOOK_TOKEN: 't0ken',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x',
      SMTP_HOST: 'smtp.example.com',
      SMTP_PASSWORD: 'smtp-secret',
    });
    expect(config.database.target).toMatchObject({ user: 'monitor', password: 'pw' });
    expect(config.notify.webhooks).toEqual([
      { url: 'https://hooks.example.com/monitor', headers: { Authorization: 'Bearer t0ken' }, timeoutMs: 10_000 },
    ]);
    expect(config.notify.slack).toEqual({ webhookUrl: 'https://hooks.slack.com/services/T0/B0/x', timeoutMs: 10_000 });
    expect(config.notify.email).toEqual({
      host: 'smtp.example.com',
      port: 587,
      secure: false,
      user: 'alerts@example.com',
      password: 'smtp-secret',
      from: 'Monitor <alerts@example.com>',
      to: ['ops@example.com', 'dba@example.com'],
      timeoutMs: 10_000,
    });
  });

  it('shows every key the loader knows', async () => {
    const data = parseYaml(await readFile(EXAMPLE, 'utf8')) as Record<string, Record<string, unknown>>;
    const keysOf = (value: unknown): string[] => Object.keys((Array.isArray(value) ? value[0] : value) as object);
    const notify = data.notify!;
    const shown: Record<keyof typeof CONFIG_KEYS, string[]> = {
      top: Object.keys(data),
      database: keysOf(data.database),
      server: keysOf(data.server),
      tls: keysOf(data.server!.tls),
      agent: keysOf(data.agent),
      alerting: keysOf(data.alerting),
      checkType: keysOf(data.check_types!.disk_space),
      host: keysOf(data.hosts!['db-server-03']),
      notify: keysOf(notify),
      webhook: keysOf(notify.webhook),
      slack: keysOf(notify.slack),
      email: keysOf(notify.email),
      command: keysOf(notify.command),
    };
    for (const [section, known] of Object.entries(CONFIG_KEYS)) {
      expect({ section, keys: [...shown[section as keyof typeof CONFIG_KEYS]].sort() }).toEqual({ section, keys: [...known].sort() });
    }
  });

  it('gives its checks params that the check functions accept', async () => {
    const config = await loadExample();
    // The built-in catalogue (sql/*/002_seed_check_types.sql), under the example's check_types.
    const builtIn: Record<string, { function: string; params: Record<string, unknown> }> = {
      cpu_usage: { function: 'metric_threshold', params: { metric: 'cpu', warn: 85, crit: 95, for: '5m' } },
      memory_usage: { function: 'metric_threshold', params: { metric: 'mem', warn: 80, crit: 90, for: '0s' } },
      disk_space: { function: 'metric_threshold', params: { metric: 'disk', warn: 80, crit: 90, for: '0s' } },
      host_silent: { function: 'host_silent', params: { crit: '5m' } },
      dataset_freshness: { function: 'dataset_freshness', params: { warn: '6h', crit: '24h' } },
      files_count: { function: 'files_count', params: { crit: 1 } },
    };
    const registry = createRegistry();
    const layers = [config.defaultChecks, ...Object.values(config.hosts).map((host) => host.checks)];
    for (const checks of layers) {
      for (const [key, check] of Object.entries(checks)) {
        const type = config.checkTypes[key];
        const fn = type?.function ?? builtIn[key]!.function;
        const raw = { ...builtIn[key]?.params, ...type?.params, ...check.params };
        expect({ key, problems: normaliseParams(registry.get(fn), raw).problems }).toEqual({ key, problems: [] });
      }
    }
  });
});
