import type { Context } from '../../context.js';
import { withStore } from '../../store/with-store.js';
import { loadRegistry } from '../../checks/load-registry.js';
import { applySync, planSync, type SyncPlan } from '../../host-checks/sync.js';
import { printJson } from '../../output/json.js';
import { describeSyncPlan } from '../../output/sync-plan.js';

/** `monitor checks sync`: the config's default_checks and hosts -> host_alert_checks. Idempotent. */
export async function checksSync(ctx: Context, options: { dryRun: boolean | undefined; json: boolean | undefined }): Promise<SyncPlan> {
  const registry = await loadRegistry(ctx.config, ctx.cwd);
  const plan = await withStore(ctx, async (store) => {
    const planned = await planSync(store, ctx.config, registry);
    if (!options.dryRun) {
      await applySync(store, planned);
    }
    return planned;
  });
  for (const name of plan.unregisteredHosts) {
    ctx.log.warn(`host '${name}' is in the config but not registered; its checks apply once you run \`monitor hosts add ${name}\``);
  }
  if (options.json) printJson(ctx.out, { dry_run: Boolean(options.dryRun), ...plan });
  else ctx.out.write(describeSyncPlan(plan, { dryRun: Boolean(options.dryRun), color: ctx.out.color }));
  return plan;
}
