import type { Context } from '../../context.js';
import { withStore } from '../../store/with-store.js';
import { generateHostKey, hashHostKey } from '../../hosts/host-key.js';
import { requireHost } from '../../hosts/lookup.js';
import { printJson } from '../../output/json.js';
import { makeChalk } from '../../output/colour.js';

export interface HostsRotateKeyResult {
  host_id: number;
  host_name: string;
  host_key: string;
}

/** `monitor hosts rotate-key NAME`: a new key; the old one stops working (serve caches keys for at most 30 s). */
export async function hostsRotateKey(
  ctx: Context,
  hostName: string,
  options: { json: boolean | undefined },
): Promise<HostsRotateKeyResult> {
  const hostKey = generateHostKey();
  const host = await withStore(ctx, async (store) => {
    const found = await requireHost(store, hostName);
    await store.setHostKeyHash(found.hostId, hashHostKey(hostKey));
    return found;
  });
  const result = { host_id: host.hostId, host_name: host.hostName, host_key: hostKey };
  if (options.json) printJson(ctx.out, result);
  else {
    const chalk = makeChalk(ctx.out.color);
    ctx.out.write(
      `New key for '${host.hostName}' (shown only once): ${chalk.bold(hostKey)}\n` +
        'The old key is refused from now on (a running `monitor serve` forgets it within 30 s); update the agent.\n',
    );
  }
  return result;
}
