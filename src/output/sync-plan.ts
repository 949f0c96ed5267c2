// The human form of a sync plan: one line per change, then a summary line.

import type { SyncPlan } from '../host-checks/sync.js';
import { makeChalk } from './colour.js';

function formatParams(params: Record<string, unknown>): string {
  const entries = Object.entries(params);
  return entries.length ? entries.map(([key, value]) => `${key}=${String(value)}`).join(' ') : 'defaults';
}

export function describeSyncPlan(plan: SyncPlan, options: { dryRun: boolean; color: boolean }): string {
  const chalk = makeChalk(options.color);
  const lines: string[] = [];
  for (const type of plan.catalogue)
    lines.push(`${chalk.cyan('~')} check type ${type.checkKey} (${type.checkName}): ${formatParams(type.params)}`);
  for (const change of plan.changes) {
    const what = `${change.hostName} ${change.checkKey}`;
    if (change.kind === 'added') lines.push(`${chalk.green('+')} ${what}: ${formatParams(change.params)}`);
    else if (change.kind === 'disabled') lines.push(`${chalk.red('-')} ${what}: disabled`);
    else lines.push(`${chalk.yellow('~')} ${what}: ${formatParams(change.before?.params ?? {})} -> ${formatParams(change.params)}`);
  }
  const count = (kind: string): number => plan.changes.filter((change) => change.kind === kind).length;
  const verb = options.dryRun ? 'Would sync' : 'Synced';
  lines.push(
    `${verb}: ${count('added')} added, ${count('changed')} changed, ${count('disabled')} disabled, ${plan.unchanged} unchanged` +
      (plan.catalogue.length ? `, ${plan.catalogue.length} check types updated` : '') +
      (options.dryRun ? ' (dry run: nothing written)' : '') +
      '.',
  );
  return lines.join('\n') + '\n';
}
