// YAML -> host_alert_checks. Planning reads the catalogue, the hosts and the current rows (three
// statements, whatever the host count), validates everything, and computes the difference; applying
// writes only that difference in one transaction. Checks that the config no longer lists are
// disabled, not deleted, so their history and a user's hand-made rows stay readable.

import { createHash } from 'node:crypto';
import type { Config } from '../config/types.js';
import { ConfigError } from '../errors.js';
import type { CheckRegistry } from '../checks/registry.js';
import type { Store } from '../store/store.js';
import type { CheckTypeInput, Host, HostCheck, HostCheckInput } from '../store/types.js';
import { canonicalJson } from './canonical-json.js';
import { effectiveCatalogue } from './catalogue.js';
import { desiredChecksFor, validateDesiredChecks } from './desired.js';
import { closeAlerts, type CloseOptions } from '../alerts/close-alerts.js';
import type { TransitionRecord } from '../alerts/types.js';
import { withTransactionRetry } from '../store/retry.js';

export interface HostCheckChange {
  kind: 'added' | 'changed' | 'disabled';
  hostId: number;
  hostName: string;
  checkKey: string;
  enabled: boolean;
  params: Record<string, unknown>;
  before: { enabled: boolean; params: Record<string, unknown> } | null;
}

export interface SyncPlan {
  catalogue: CheckTypeInput[];
  changes: HostCheckChange[];
  unchanged: number;
  /** Hosts the config names that are not registered: a warning, not a failure. */
  unregisteredHosts: string[];
  /** Check keys the config manages now or managed before (kept in settings). */
  managedKeys: string[];
  /**
   * The config's checks fingerprint when the plan covers every registered host: applying it records
   * that this config is synced (`monitor check` re-syncs when it changes). Null for a few hosts only.
   */
  fingerprint: string | null;
}

export interface PlanOptions {
  /** Only these hosts (e.g. one just registered); default: every registered host. */
  hosts?: Host[];
}

export async function planSync(store: Store, config: Config, registry: CheckRegistry, options: PlanOptions = {}): Promise<SyncPlan> {
  const { types, upserts, issues } = effectiveCatalogue(config, await store.listCheckTypes());
  issues.push(...validateDesiredChecks(config, types, registry));
  if (issues.length > 0) throw new ConfigError(issues);

  const hosts = options.hosts ?? (await store.listHostRecords());
  const current = await store.listHostChecks(options.hosts?.length === 1 ? { hostId: options.hosts[0]!.hostId } : {});
  const currentByHost = new Map<number, Map<string, HostCheck>>();
  for (const row of current) {
    let rows = currentByHost.get(row.hostId);
    if (!rows) currentByHost.set(row.hostId, (rows = new Map<string, HostCheck>()));
    rows.set(row.checkKey, row);
  }
  const managedKeys = [...new Set([...configuredCheckKeys(config), ...parseKeys(await store.getSetting(MANAGED_KEYS_SETTING))])].sort();
  const managed = new Set(managedKeys);

  const changes: HostCheckChange[] = [];
  let unchanged = 0;
  for (const host of hosts) {
    const existingRows = currentByHost.get(host.hostId) ?? new Map<string, HostCheck>();
    const wanted = new Set<string>();
    for (const desired of desiredChecksFor(config, host.hostName)) {
      wanted.add(desired.checkKey);
      const existing = existingRows.get(desired.checkKey);
      const base = {
        hostId: host.hostId,
        hostName: host.hostName,
        checkKey: desired.checkKey,
        enabled: desired.enabled,
        params: desired.params,
      };
      if (!existing) changes.push({ kind: 'added', ...base, before: null });
      else if (existing.enabled !== desired.enabled || canonicalJson(existing.params) !== canonicalJson(desired.params)) {
        changes.push({
          kind: desired.enabled ? 'changed' : 'disabled',
          ...base,
          before: { enabled: existing.enabled, params: existing.params },
        });
      } else unchanged += 1;
    }
    // A row the config does not want is disabled only when the config manages that check key (or
    // did before): rows people add by hand for checks the config never mentions are left alone.
    for (const row of existingRows.values()) {
      if (wanted.has(row.checkKey)) continue;
      if (!row.enabled || !managed.has(row.checkKey)) {
        unchanged += 1;
        continue;
      }
      changes.push({
        kind: 'disabled',
        hostId: host.hostId,
        hostName: host.hostName,
        checkKey: row.checkKey,
        enabled: false,
        params: row.params,
        before: { enabled: true, params: row.params },
      });
    }
  }
  const registered = new Set(hosts.map((host) => host.hostName));
  const unregisteredHosts = options.hosts
    ? []
    : Object.keys(config.hosts)
        .filter((name) => !registered.has(name))
        .sort();
  return {
    catalogue: upserts,
    changes,
    unchanged,
    unregisteredHosts,
    managedKeys,
    fingerprint: options.hosts ? null : checksFingerprint(config),
  };
}

/** Every check key the config's check layers mention: the keys whose rows the config owns. */
function configuredCheckKeys(config: Config): string[] {
  return [...Object.keys(config.defaultChecks), ...Object.values(config.hosts).flatMap((host) => Object.keys(host.checks))];
}

function parseKeys(stored: string | null): string[] {
  if (!stored) return [];
  try {
    const parsed: unknown = JSON.parse(stored);
    return Array.isArray(parsed) ? parsed.filter((key): key is string => typeof key === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Writes a plan in one transaction (callers pass the store or an open transaction). With `closing`
 * (a full sync), the open alerts of host checks that are not enabled — disabled by this plan, or
 * stranded by an older version — are closed in the same transaction ("check disabled", announced
 * on those channels); returns them.
 */
export async function applySync(store: Store, plan: SyncPlan, closing?: CloseOptions): Promise<TransitionRecord[]> {
  return withTransactionRetry(store, async (tx) => {
    if ((await tx.getSetting(MANAGED_KEYS_SETTING)) !== JSON.stringify(plan.managedKeys)) {
      await tx.setSetting(MANAGED_KEYS_SETTING, JSON.stringify(plan.managedKeys));
    }
    if (plan.fingerprint !== null) await tx.setSetting(CHECKS_FINGERPRINT_SETTING, plan.fingerprint);
    if (plan.catalogue.length > 0) await tx.upsertCheckTypes(plan.catalogue);
    if (plan.changes.length > 0) {
      const ids = new Map((await tx.listCheckTypes()).map((type) => [type.checkKey, type.checkId]));
      const rows: HostCheckInput[] = plan.changes.map((change) => ({
        hostId: change.hostId,
        checkId: ids.get(change.checkKey)!,
        params: change.params,
        enabled: change.enabled,
      }));
      await tx.upsertHostChecks(rows);
    }
    if (!closing) return [];
    // Every open alert whose host check is not enabled (now, or since an older version that left it
    // open): nothing would ever resolve it.
    const open = await tx.listOpenAlerts();
    if (open.length === 0) return [];
    const enabled = new Set((await tx.listEnabledHostChecks()).map((row) => `${row.hostId}:${row.checkId}`));
    const stranded = open.filter((alert) => !enabled.has(`${alert.hostId}:${alert.checkId}`));
    return closeAlerts(tx, stranded, { kind: 'check_disabled' }, closing);
  });
}

/** Whether the database holds this config's checks (the last full sync was of the same config). */
export async function isSynced(store: Store, config: Config): Promise<boolean> {
  return (await store.getSetting(CHECKS_FINGERPRINT_SETTING)) === checksFingerprint(config);
}

/** Identifies the check-related parts of a config: `monitor check` re-syncs when it changes. */
function checksFingerprint(config: Config): string {
  const hosts = Object.fromEntries(Object.entries(config.hosts).map(([name, host]) => [name, host.checks]));
  const text = canonicalJson({ types: config.checkTypes, defaults: config.defaultChecks, hosts });
  return createHash('sha256').update(text).digest('hex');
}

const CHECKS_FINGERPRINT_SETTING = 'checks_config_fingerprint';
const MANAGED_KEYS_SETTING = 'checks_managed_keys';
