// What the config says each host should run: `default_checks` for every host, with the host's own
// `hosts.<name>.checks` layered on top (params merged, `enabled` from the most specific layer).
// The result is validated against the catalogue and the check functions, so a typo or `crit: high`
// is a config error naming the host, the check, the key, the file and the line.

import type { Config, HostCheckConfig } from '../config/types.js';
import type { ConfigIssue } from '../errors.js';
import type { CheckType } from '../store/types.js';
import type { CheckRegistry } from '../checks/registry.js';
import { normaliseParams } from '../checks/params.js';

export interface DesiredCheck {
  checkKey: string;
  enabled: boolean;
  /** The host's overrides as written (stored raw in host_alert_checks.params_json). */
  params: Record<string, unknown>;
  /** Config path of the most specific layer, for error messages. */
  path: string[];
}

export function desiredChecksFor(config: Config, hostName: string): DesiredCheck[] {
  const merged = new Map<string, DesiredCheck>();
  const layer = (checks: Record<string, HostCheckConfig>, basePath: string[]): void => {
    for (const [checkKey, check] of Object.entries(checks)) {
      const previous = merged.get(checkKey);
      merged.set(checkKey, {
        checkKey,
        enabled: check.enabled,
        params: { ...previous?.params, ...check.params },
        path: [...basePath, checkKey],
      });
    }
  };
  layer(config.defaultChecks, ['default_checks']);
  const host = config.hosts[hostName];
  if (host) layer(host.checks, ['hosts', hostName, 'checks']);
  return [...merged.values()].sort((a, b) => a.checkKey.localeCompare(b.checkKey));
}

/** Effective params of a check: the type's defaults under the host's overrides. */
export function effectiveRawParams(type: CheckType, overrides: Record<string, unknown>): Record<string, unknown> {
  return { ...type.params, ...overrides };
}

/**
 * Every problem of the config's check layers at once: unknown check keys, and params the check
 * function rejects. Hosts are checked whether or not they are registered.
 */
export function validateDesiredChecks(config: Config, types: Map<string, CheckType>, registry: CheckRegistry): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const issue = (path: string[], message: string): void => {
    issues.push({ key: path.join('.'), message, file: config.file, line: config.lineOf(path) });
  };
  // A host layer is validated over what it inherits from default_checks, as desiredChecksFor merges
  // them: `default_checks.disk_space.warn: 75` with a host's `crit: 78` is valid, though 78 is below
  // the type's own default warn of 80.
  const validateLayer = (
    checks: Record<string, HostCheckConfig>,
    basePath: string[],
    inherited: Record<string, HostCheckConfig> = {},
  ): void => {
    for (const [checkKey, check] of Object.entries(checks)) {
      const path = [...basePath, checkKey];
      const type = types.get(checkKey);
      if (!type) {
        issue(path, `unknown check '${checkKey}' (known: ${[...types.keys()].sort().join(', ')})`);
        continue;
      }
      if (!registry.has(type.functionName)) continue; // reported when the check runs; others still run
      const params = { ...inherited[checkKey]?.params, ...check.params };
      const { problems } = normaliseParams(registry.get(type.functionName), effectiveRawParams(type, params));
      for (const problem of problems) issue([...path, problem.key], problem.message);
    }
  };
  validateLayer(config.defaultChecks, ['default_checks']);
  for (const [hostName, host] of Object.entries(config.hosts)) {
    validateLayer(host.checks, ['hosts', hostName, 'checks'], config.defaultChecks);
  }
  return issues;
}
