// Registering a host: a new key (only its hash stored) and the config's checks for it, in one
// transaction — a config error or a taken name leaves nothing behind.

import type { Config } from '../config/types.js';
import type { CheckRegistry } from '../checks/registry.js';
import type { Store } from '../store/store.js';
import type { Host } from '../store/types.js';
import { applySync, planSync, type SyncPlan } from '../host-checks/sync.js';
import { generateHostKey, hashHostKey } from './host-key.js';
import { assertHostName } from './host-name.js';
import { withTransactionRetry } from '../store/retry.js';

export interface RegisteredHost {
  host: Host;
  /** The only time the plain key exists outside the agent. */
  hostKey: string;
  checks: SyncPlan;
}

export async function registerHost(
  store: Store,
  config: Config,
  registry: CheckRegistry,
  input: { hostName: string; description: string | null; now: Date },
): Promise<RegisteredHost> {
  assertHostName(input.hostName);
  const hostKey = generateHostKey();
  return withTransactionRetry(store, async (tx) => {
    const host = await tx.addHost({
      hostName: input.hostName,
      keyHash: hashHostKey(hostKey),
      description: input.description,
      createdAt: input.now,
    });
    const checks = await planSync(tx, config, registry, { hosts: [host] });
    await applySync(tx, checks);
    return { host, hostKey, checks };
  });
}
