// The check-param problems a config can be judged on without a database: against the seeded
// catalogue with the config's check_types over it, and the built-in check functions. Used when the
// config already has structural problems, so they are all reported in one pass rather than the params
// only on the run after the structure is fixed. Check keys outside that catalogue (added by an
// earlier config, or by hand) and plugin functions are left to the sync, which reads the real one.

import type { Config } from '../config/types.js';
import type { ConfigIssue } from '../errors.js';
import type { CheckType } from '../store/types.js';
import { createRegistry } from '../checks/registry.js';
import { BUILTIN_CATALOGUE } from './builtin-catalogue.js';
import { effectiveCatalogue } from './catalogue.js';
import { validateDesiredChecks } from './desired.js';

export function offlineCheckIssues(config: Config): ConfigIssue[] {
  const current: CheckType[] = BUILTIN_CATALOGUE.map((type, index) => ({ checkId: index + 1, ...type }));
  const { types, issues } = effectiveCatalogue(config, current);
  const known = new Set(types.keys());
  const onlyKnown = (checks: Config['defaultChecks']): Config['defaultChecks'] =>
    Object.fromEntries(Object.entries(checks).filter(([checkKey]) => known.has(checkKey)));
  const judged: Config = {
    ...config,
    defaultChecks: onlyKnown(config.defaultChecks),
    hosts: Object.fromEntries(Object.entries(config.hosts).map(([name, host]) => [name, { ...host, checks: onlyKnown(host.checks) }])),
  };
  return [...issues, ...validateDesiredChecks(judged, types, createRegistry())];
}
