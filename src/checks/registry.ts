// The check functions `monitor` knows: the built-ins (one file each, registered under the file's
// name in snake_case) plus those a plugin module brings (loaded by load-plugins.ts). An unknown name
// is an error that lists the known ones.

import { ConfigError, type ConfigIssue } from '../errors.js';
import { datasetFreshness } from './dataset-freshness.js';
import { filesCount } from './files-count.js';
import { hostSilent } from './host-silent.js';
import { metricThreshold } from './metric-threshold.js';
import type { CheckFunction } from './types.js';

export const builtinChecks: readonly CheckFunction[] = [metricThreshold, hostSilent, datasetFreshness, filesCount];

export interface CheckRegistry {
  /** Throws a ConfigError (key `function`) listing the known names when there is none by that name. */
  get(name: string): CheckFunction;
  has(name: string): boolean;
  /** Sorted by name. */
  list(): CheckFunction[];
}

export function createRegistry(extra: readonly CheckFunction[] = []): CheckRegistry {
  const byName = new Map<string, CheckFunction>();
  for (const fn of [...builtinChecks, ...extra]) {
    if (byName.has(fn.name)) {
      throw new ConfigError([
        issue('plugins', `check function '${fn.name}' is defined twice; a plugin cannot replace an existing one, rename it`),
      ]);
    }
    byName.set(fn.name, fn);
  }
  const names = () => [...byName.keys()].sort();
  return {
    get(name) {
      const fn = byName.get(name);
      if (!fn) {
        throw new ConfigError([issue('function', `unknown check function '${name}'; known: ${names().join(', ')}`)], {
          hint: 'use one of those, or list the module that defines it under plugins: in the config',
        });
      }
      return fn;
    },
    has: (name) => byName.has(name),
    list: () => names().map((name) => byName.get(name)!),
  };
}

function issue(key: string, message: string): ConfigIssue {
  return { key, message, file: null, line: null };
}
