// `check_types`, `default_checks` and `hosts`. Check params stay raw here: they are validated later
// against the param specs of the check function (which plugins may add), using `lineOf` for lines.

import type { Severity } from '../store/types.js';
import type { CheckTypeConfig, HostCheckConfig, HostConfig } from './types.js';
import { builtInDefaultChecks } from './defaults.js';
import { checkKeyProblem, describe, isEmpty, readBoolean, readDuration, readEnum, readMap, readString, setOwn } from './fields.js';
import type { Problems } from './fields.js';
import { toPlain } from './key-path.js';
import type { KeyPath, TreeNode } from './key-path.js';
import { CONFIG_KEYS } from './keys.js';
import { hostNameProblem } from '../hosts/host-name.js';
import { readRepeatInterval } from './validate-core.js';

const SEVERITIES: readonly Severity[] = ['warning', 'critical'];

export function readCheckTypes(p: Problems, node: TreeNode | undefined): Record<string, CheckTypeConfig> {
  const types: Record<string, CheckTypeConfig> = {};
  for (const [key, value] of readMap(p, ['check_types'], node, null)) {
    const at = ['check_types', key];
    const keyProblem = checkKeyProblem(key);
    if (keyProblem) {
      p.add(at, keyProblem);
      continue;
    }
    const s = readMap(p, at, value, CONFIG_KEYS.checkType);
    const type: CheckTypeConfig = {};
    const name = readString(p, [...at, 'name'], s.get('name'));
    if (name !== null) type.name = name;
    const fn = readString(p, [...at, 'function'], s.get('function'));
    if (fn !== null) {
      if (/\s/.test(fn)) p.add([...at, 'function'], `function name '${fn}' must not contain whitespace`);
      else type.function = fn;
    }
    const params = s.get('params');
    if (!isEmpty(params)) {
      if (params.kind === 'map') type.params = toPlain(params) as Record<string, unknown>;
      else p.add([...at, 'params'], `expected a map of params (e.g. { warn: 80, crit: 90 }), got ${describe(params)}`);
    }
    const severity = readEnum(p, [...at, 'severity'], s.get('severity'), SEVERITIES);
    if (severity !== null) type.severity = severity;
    if (!isEmpty(s.get('cooldown'))) {
      const ms = readDuration(p, [...at, 'cooldown'], s.get('cooldown'), -1);
      if (ms >= 0) type.cooldownSeconds = Math.round(ms / 1000);
    }
    if (!isEmpty(s.get('repeat_interval'))) {
      const ms = readRepeatInterval(p, [...at, 'repeat_interval'], s.get('repeat_interval'), -1);
      if (ms >= 0) type.repeatIntervalMs = ms;
    }
    setOwn(types, key, type);
  }
  return types;
}

/**
 * A host check: empty or `{}` is enabled with the type's defaults, `false` disabled, `true` enabled,
 * a map is params plus an optional `enabled`.
 */
function readHostCheck(p: Problems, at: KeyPath, node: TreeNode | undefined): HostCheckConfig {
  if (isEmpty(node)) return { enabled: true, params: {} };
  if (node.kind === 'scalar' && typeof node.value === 'boolean') return { enabled: node.value, params: {} };
  if (node.kind !== 'map') {
    if (!(node.kind === 'scalar' && node.invalid)) {
      p.add(at, `expected true, false, nothing, or a map of params like { crit: 85, for: 5m }; got ${describe(node)}`);
    }
    return { enabled: true, params: {} };
  }
  let enabled = true;
  const params: Record<string, unknown> = {};
  for (const entry of node.entries) {
    if (entry.key !== 'enabled') {
      setOwn(params, entry.key, toPlain(entry.value));
      continue;
    }
    enabled = readBoolean(p, [...at, 'enabled'], entry.value, true);
  }
  return { enabled, params };
}

function readCheckMap(p: Problems, at: KeyPath, node: TreeNode | undefined): Record<string, HostCheckConfig> {
  const checks: Record<string, HostCheckConfig> = {};
  for (const [key, value] of readMap(p, at, node, null)) {
    const keyProblem = checkKeyProblem(key);
    if (keyProblem) p.add([...at, key], keyProblem);
    else setOwn(checks, key, readHostCheck(p, [...at, key], value));
  }
  return checks;
}

/** Absent: the built-in four. Present: exactly what it lists, as a map or a list of check keys. */
export function readDefaultChecks(p: Problems, node: TreeNode | undefined, present: boolean): Record<string, HostCheckConfig> {
  if (!present) return builtInDefaultChecks();
  if (node?.kind !== 'seq') return readCheckMap(p, ['default_checks'], node);
  const checks: Record<string, HostCheckConfig> = {};
  node.items.forEach((item, index) => {
    const at = ['default_checks', index];
    if (item.kind !== 'scalar' || typeof item.value !== 'string') {
      p.add(at, `expected a check key like disk_space, got ${describe(item)}`);
      return;
    }
    const problem = checkKeyProblem(item.value) ?? (Object.hasOwn(checks, item.value) ? `'${item.value}' is listed twice` : null);
    if (problem) p.add(at, problem);
    else setOwn(checks, item.value, { enabled: true, params: {} });
  });
  return checks;
}

export function readHosts(p: Problems, node: TreeNode | undefined): Record<string, HostConfig> {
  const hosts: Record<string, HostConfig> = {};
  for (const [name, value] of readMap(p, ['hosts'], node, null)) {
    const at = ['hosts', name];
    const nameProblem = hostNameProblem(name);
    if (nameProblem) {
      p.add(at, nameProblem);
      continue;
    }
    const s = readMap(p, at, value, CONFIG_KEYS.host);
    setOwn(hosts, name, {
      description: readString(p, [...at, 'description'], s.get('description')),
      checks: readCheckMap(p, [...at, 'checks'], s.get('checks')),
    });
  }
  return hosts;
}
