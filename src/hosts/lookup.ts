import { NotFoundError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { Host } from '../store/types.js';

/** The host by name, or a NotFoundError that says how to see the registered ones. */
export async function requireHost(store: Store, hostName: string): Promise<Host> {
  const host = await store.findHostByName(hostName);
  if (!host)
    throw new NotFoundError(`host '${hostName}' is not registered`, {
      hint: 'see `monitor hosts list`, or add it with `monitor hosts add NAME`',
    });
  return host;
}
