import type { Context } from '../../context.js';
import { withStore } from '../../store/with-store.js';
import { loadRegistry } from '../../checks/load-registry.js';
import { assertHostName } from '../../hosts/host-name.js';
import { registerHost } from '../../hosts/register.js';
import { printJson } from '../../output/json.js';
import { makeChalk } from '../../output/colour.js';

export interface HostsAddOptions {
  description: string | undefined;
  json: boolean | undefined;
}

export interface HostsAddResult {
  host_id: number;
  host_name: string;
  description: string | null;
  host_key: string;
  created_at: Date;
  checks: string[];
}

/** `monitor hosts add NAME`: registers the host and prints its key once. */
export async function hostsAdd(ctx: Context, hostName: string, options: HostsAddOptions): Promise<HostsAddResult> {
  // Before the store opens: a typo must not create (or migrate) a database as a side effect.
  assertHostName(hostName);
  const registry = await loadRegistry(ctx.config, ctx.cwd);
  const registered = await withStore(ctx, (store) =>
    registerHost(store, ctx.config, registry, { hostName, description: options.description ?? null, now: ctx.clock.now() }),
  );
  const { host, hostKey } = registered;
  const result: HostsAddResult = {
    host_id: host.hostId,
    host_name: host.hostName,
    description: host.description,
    host_key: hostKey,
    created_at: host.createdAt,
    checks: registered.checks.changes.filter((change) => change.enabled).map((change) => change.checkKey),
  };
  if (options.json) {
    printJson(ctx.out, result);
    return result;
  }
  const chalk = makeChalk(ctx.out.color);
  ctx.out.write(
    [
      `Added host '${host.hostName}' (id ${host.hostId}) with checks: ${result.checks.join(', ') || 'none'}.`,
      `Host key (shown only once — store it now): ${chalk.bold(hostKey)}`,
      `On that host, set agent.host_key in monitor.yaml or: export MONITOR_HOST_NAME=${host.hostName} MONITOR_HOST_KEY=${hostKey}`,
      '',
    ].join('\n'),
  );
  return result;
}
