import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { withStore } from '../../store/with-store.js';
import { requireHost } from '../../hosts/lookup.js';
import { printJson } from '../../output/json.js';

/** `monitor hosts remove NAME --yes`: the host and everything recorded about it. */
export async function hostsRemove(
  ctx: Context,
  hostName: string,
  options: { yes: boolean | undefined; json: boolean | undefined },
): Promise<{ host_name: string; removed: boolean }> {
  if (!options.yes) {
    throw new UsageError(`this removes host '${hostName}' with all its samples, checks and alerts`, {
      hint: `run again with --yes: monitor hosts remove ${hostName} --yes`,
    });
  }
  await withStore(ctx, async (store) => {
    const host = await requireHost(store, hostName);
    await store.removeHost(host.hostId);
  });
  const result = { host_name: hostName, removed: true };
  if (options.json) printJson(ctx.out, result);
  else ctx.out.write(`Removed host '${hostName}' and all its data.\n`);
  return result;
}
