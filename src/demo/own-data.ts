// How the demo knows its own data. Its host names (web-server-01, …) are names real fleets use, so a
// name proves nothing: the demo records each host it registers — id, name and the hash of the random
// key it made for it — in the `settings` row `demo_hosts`. A host is the demo's only when all three
// still match; everything else (and every alert on anything else) belongs to someone, and the demo
// neither touches it nor writes beside it.

import type { Store } from '../store/store.js';
import type { Host } from '../store/types.js';
import { hashHostKey } from '../hosts/host-key.js';

const SETTING = 'demo_hosts';

interface DemoMark {
  hostId: number;
  hostName: string;
  keyHash: string;
}

/** What a database holds that the demo did not make. */
export interface ForeignData {
  hosts: string[];
  alerts: number;
}

async function readMarks(store: Store): Promise<DemoMark[]> {
  const text = await store.getSetting(SETTING);
  if (text === null) return [];
  try {
    const marks = JSON.parse(text) as unknown;
    if (!Array.isArray(marks)) return [];
    return marks.filter(
      (mark: Partial<Record<keyof DemoMark, unknown>> | null): mark is DemoMark =>
        typeof mark === 'object' &&
        mark !== null &&
        typeof mark.hostId === 'number' &&
        typeof mark.hostName === 'string' &&
        typeof mark.keyHash === 'string',
    );
  } catch {
    return []; // not ours to interpret: nothing is recognised as the demo's
  }
}

/** The demo's hosts still in the database as it made them (not renamed, key not rotated). */
async function demoHosts(store: Store): Promise<Host[]> {
  const hosts: Host[] = [];
  for (const mark of await readMarks(store)) {
    const host = await store.findHostByKeyHash(mark.keyHash);
    if (host && host.hostId === mark.hostId && host.hostName === mark.hostName) hosts.push(host);
  }
  return hosts;
}

/** Hosts the demo did not make, and alerts on anything but the demo's hosts; both empty: all the demo's. */
export async function foreignData(store: Store): Promise<ForeignData> {
  const ours = new Set((await demoHosts(store)).map((host) => host.hostId));
  const hosts = (await store.listHostRecords()).filter((host) => !ours.has(host.hostId)).map((host) => host.hostName);
  // With foreign hosts the answer is already no; the alert scan is then skipped (it may be a big table).
  const alerts =
    hosts.length > 0 ? 0 : (await store.listAlerts({ status: 'all', limit: 0 })).filter((alert) => !ours.has(alert.hostId)).length;
  return { hosts, alerts };
}

export function describeForeignData(found: ForeignData): string {
  const parts: string[] = [];
  if (found.hosts.length > 0) {
    const names = found.hosts
      .slice(0, 5)
      .map((name) => `'${name}'`)
      .join(', ');
    parts.push(`${found.hosts.length} host(s) the demo did not make (${names}${found.hosts.length > 5 ? ', …' : ''})`);
  }
  if (found.alerts > 0) parts.push(`${found.alerts} alert(s) on hosts the demo did not make`);
  return parts.join(' and ');
}

/** Removes the demo's earlier hosts (with their samples, checks and alerts), and nothing else. */
export async function removeDemoHosts(store: Store): Promise<void> {
  for (const host of await demoHosts(store)) await store.removeHost(host.hostId);
  await store.setSetting(SETTING, '[]');
}

/** Records a host the demo just registered, so a later run knows it for the demo's. */
export async function markDemoHost(store: Store, host: Host, hostKey: string): Promise<void> {
  const marks = await readMarks(store);
  marks.push({ hostId: host.hostId, hostName: host.hostName, keyHash: hashHostKey(hostKey) });
  await store.setSetting(SETTING, JSON.stringify(marks));
}
