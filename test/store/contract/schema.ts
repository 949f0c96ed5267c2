import { expect, it } from 'vitest';
import type { ContractContext } from './helpers.js';

/** The public column names users write SQL against (DESIGN.md "Storage"). */
const PUBLIC_COLUMNS: Record<string, string[]> = {
  hosts: ['host_id', 'host_name', 'host_key_hash', 'description', 'created_at', 'last_seen'],
  incoming_data: [
    'host_id',
    'collected_at',
    'received_at',
    'cpu_pct',
    'mem_pct',
    'disk_pct',
    'load_1',
    'dataset_name',
    'partition_key',
    'files_count',
    'first_event_at',
    'last_event_at',
  ],
  alert_types: ['check_id', 'check_key', 'check_name', 'function_name', 'params_json', 'severity', 'cooldown_seconds'],
  host_alert_checks: ['host_id', 'check_id', 'params_json', 'enabled'],
  alerts: [
    'alert_id',
    'host_id',
    'check_id',
    'severity',
    'status',
    'triggered_at',
    'resolved_at',
    'message',
    'resolve_message',
    'value',
    'acknowledged_at',
  ],
  check_state: ['host_id', 'check_id', 'status', 'since', 'history', 'flapping', 'evaluated_at', 'last_resolved_at', 'open_notified'],
  leases: ['lease_name', 'owner', 'expires_at'],
  notifications: [
    'notification_id',
    'alert_id',
    'channel',
    'event',
    'payload_json',
    'created_at',
    'attempts',
    'last_error',
    'last_attempt_at',
    'delivered_at',
  ],
  settings: ['setting_name', 'setting_value'],
  schema_migrations: ['version', 'applied_at'],
};

export function schemaTests(ctx: ContractContext): void {
  it('records every migration applied on open in schema_migrations, in order', async () => {
    const rows = await ctx.raw.query('SELECT version, applied_at FROM schema_migrations ORDER BY version');
    expect(rows.map((row) => row.version)).toEqual(['001', '002', '003', '004', '005', '006']);
    expect(String(rows[0]!.applied_at)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
  });

  it('applies nothing when migrated again', async () => {
    expect(await ctx.store.migrate()).toEqual([]);
    expect(await ctx.raw.query('SELECT version FROM schema_migrations')).toHaveLength(6);
  });

  it('leaves an empty database alone with migrate "never"; migrate() then applies 001 to 006 once', async () => {
    const fresh = await ctx.freshFixture({ migrate: 'never' });
    await expect(fresh.raw.query('SELECT COUNT(*) AS n FROM hosts')).rejects.toThrow(/no such table|doesn't exist/);
    expect(await fresh.store.migrate()).toEqual(['001', '002', '003', '004', '005', '006']);
    expect(await fresh.store.migrate()).toEqual([]);
    expect(await fresh.store.listCheckTypes()).toHaveLength(6);
  });

  it('keeps the documented table and column names', async () => {
    for (const [table, columns] of Object.entries(PUBLIC_COLUMNS)) {
      await expect(ctx.raw.query(`SELECT ${columns.join(', ')} FROM ${table} WHERE 1 = 0`), table).resolves.toEqual([]);
    }
  });

  it('seeds the built-in check catalogue with its default thresholds', async () => {
    const types = await ctx.store.listCheckTypes();
    const byKey = Object.fromEntries(types.map(({ checkId: _id, ...type }) => [type.checkKey, type]));
    expect(byKey).toEqual({
      cpu_usage: {
        checkKey: 'cpu_usage',
        checkName: 'CPU Usage',
        functionName: 'metric_threshold',
        params: { metric: 'cpu', warn: 85, crit: 95, for: '5m' },
        severity: 'critical',
        cooldownSeconds: 300,
      },
      memory_usage: {
        checkKey: 'memory_usage',
        checkName: 'Memory Usage',
        functionName: 'metric_threshold',
        params: { metric: 'mem', warn: 80, crit: 90, for: '0s' },
        severity: 'critical',
        cooldownSeconds: 300,
      },
      disk_space: {
        checkKey: 'disk_space',
        checkName: 'Disk Space',
        functionName: 'metric_threshold',
        params: { metric: 'disk', warn: 80, crit: 90, for: '0s' },
        severity: 'critical',
        cooldownSeconds: 300,
      },
      host_silent: {
        checkKey: 'host_silent',
        checkName: 'Host Silent',
        functionName: 'host_silent',
        params: { crit: '5m' },
        severity: 'critical',
        cooldownSeconds: 300,
      },
      dataset_freshness: {
        checkKey: 'dataset_freshness',
        checkName: 'Dataset Freshness',
        functionName: 'dataset_freshness',
        params: { warn: '6h', crit: '24h' },
        severity: 'warning',
        cooldownSeconds: 300,
      },
      files_count: {
        checkKey: 'files_count',
        checkName: 'Files Count',
        functionName: 'files_count',
        params: { crit: 1 },
        severity: 'warning',
        cooldownSeconds: 300,
      },
    });
  });

  it('answers ping while the database is reachable', async () => {
    await expect(ctx.store.ping()).resolves.toBeUndefined();
  });
}
