// config `check_types` -> `alert_types`: overrides of the built-in catalogue (seeded by the
// migrations) and additions. Params merge over the stored defaults; nothing is ever deleted, since
// alerts refer to check ids.

import type { Config } from '../config/types.js';
import type { ConfigIssue } from '../errors.js';
import type { CheckType, CheckTypeInput } from '../store/types.js';
import { canonicalJson } from './canonical-json.js';

export function planCatalogue(config: Config, current: CheckType[]): { upserts: CheckTypeInput[]; issues: ConfigIssue[] } {
  const byKey = new Map(current.map((type) => [type.checkKey, type]));
  const upserts: CheckTypeInput[] = [];
  const issues: ConfigIssue[] = [];
  for (const [checkKey, wanted] of Object.entries(config.checkTypes)) {
    const existing = byKey.get(checkKey);
    if (!existing && (!wanted.name || !wanted.function)) {
      const path = ['check_types', checkKey];
      issues.push({
        key: path.join('.'),
        message: 'a new check type needs both `name` and `function`',
        file: config.file,
        line: config.lineOf(path),
      });
      continue;
    }
    const next: CheckTypeInput = {
      checkKey,
      checkName: wanted.name ?? existing!.checkName,
      functionName: wanted.function ?? existing!.functionName,
      params: { ...existing?.params, ...wanted.params },
      severity: wanted.severity ?? existing?.severity ?? 'critical',
      cooldownSeconds: wanted.cooldownSeconds ?? existing?.cooldownSeconds ?? 300,
    };
    if (!existing || !sameType(existing, next)) upserts.push(next);
  }
  return { upserts, issues };
}

/**
 * The catalogue as it stands once the config's check_types are applied: the stored types with the
 * planned upserts over them (a new type gets checkId -1 until it is written).
 */
export function effectiveCatalogue(
  config: Config,
  current: CheckType[],
): { types: Map<string, CheckType>; upserts: CheckTypeInput[]; issues: ConfigIssue[] } {
  const { upserts, issues } = planCatalogue(config, current);
  const types = new Map<string, CheckType>(current.map((type) => [type.checkKey, type]));
  for (const upsert of upserts) types.set(upsert.checkKey, { checkId: types.get(upsert.checkKey)?.checkId ?? -1, ...upsert });
  return { types, upserts, issues };
}

function sameType(a: CheckTypeInput, b: CheckTypeInput): boolean {
  return (
    a.checkName === b.checkName &&
    a.functionName === b.functionName &&
    a.severity === b.severity &&
    a.cooldownSeconds === b.cooldownSeconds &&
    canonicalJson(a.params) === canonicalJson(b.params)
  );
}
