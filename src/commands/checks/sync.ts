import type { Context } from '../../context.js';
import { withStore } from '../../store/with-store.js';
import { loadRegistry } from '../../checks/load-registry.js';
import { applySync, planSync, type SyncPlan } from '../../host-checks/sync.js';
import { printJson } from '../../output/json.js';
import { describeSyncPlan } from '../../output/sync-plan.js';
import { configuredChannels } from '../../notify/configured-channels.js';
import { formatTransitionLine } from '../../alerts/lines.js';
import type { TransitionRecord } from '../../alerts/types.js';

/** `monitor checks sync`: the config's default_checks and hosts -> host_alert_checks. Idempotent. */
export async function checksSync(ctx: Context, options: { dryRun: boolean | undefined; json: boolean | undefined }): Promise<SyncPlan> {
  const registry = await loadRegistry(ctx.config, ctx.cwd);
  let closed: TransitionRecord[] = [];
  const plan = await withStore(ctx, async (store) => {
    const planned = await planSync(store, ctx.config, registry);
    if (!options.dryRun) {
      closed = await applySync(store, planned, {
        now: ctx.clock.now(),
        channels: configuredChannels(ctx.config.notify),
        groupThreshold: ctx.config.alerting.groupThreshold,
      });
    }
    return planned;
  });
  for (const name of plan.unregisteredHosts) {
    ctx.log.warn(`host '${name}' is in the config but not registered; its checks apply once you run \`monitor hosts add ${name}\``);
  }
  if (options.json)
    printJson(ctx.out, { dry_run: Boolean(options.dryRun), ...plan, closed_alerts: closed.map((record) => record.alertId) });
  else {
    ctx.out.write(describeSyncPlan(plan, { dryRun: Boolean(options.dryRun), color: ctx.out.color }));
    // A disabled check's open alert is closed: nothing would ever resolve it.
    for (const record of closed) ctx.out.write(`${formatTransitionLine(record)}\n`);
  }
  return plan;
}
