// One-box mode: no server URL configured, so `collect` writes its reports straight to the database,
// through the same validation and spool as a remote agent. The host registers itself on first use
// (its key is never needed: nothing authenticates over HTTP here).

import type { Config } from '../config/types.js';
import type { Context } from '../context.js';
import type { CheckRegistry } from '../checks/registry.js';
import { MonitorError, UnavailableError } from '../errors.js';
import { registerHost } from '../hosts/register.js';
import { toSamples } from '../reports/ingest.js';
import type { WireReport } from '../reports/report.js';
import { parseReportsBody } from '../reports/validate.js';
import type { Store } from '../store/store.js';
import type { SendResult } from './send.js';

export interface DatabaseSender {
  send(reports: WireReport[]): Promise<SendResult>;
  close(): Promise<void>;
}

export function databaseSender(ctx: Context, config: Config, loadRegistry: () => Promise<CheckRegistry>): DatabaseSender {
  let store: Store | null = null;
  return {
    async send(reports) {
      const now = ctx.clock.now();
      try {
        store ??= await ctx.openStore();
        const parsed = parseReportsBody({ reports }, now);
        let host = await store.findHostByName(config.agent.hostName);
        if (!host) {
          ({ host } = await registerHost(store, config, await loadRegistry(), { hostName: config.agent.hostName, description: null, now }));
          ctx.log.info(`registered this host as '${host.hostName}' in ${store.location}`);
        }
        const result = await store.insertSamples(toSamples(host, parsed, now));
        return { kind: 'accepted', body: { accepted: result.inserted, duplicates: result.duplicates } };
      } catch (error) {
        if (error instanceof UnavailableError) return { kind: 'unavailable', reason: error.message };
        if (error instanceof MonitorError && error.exitCode === 2) throw error; // config problems are not the reports' fault
        if (error instanceof MonitorError) return { kind: 'rejected', status: 400, message: error.message };
        throw error;
      }
    },
    async close() {
      await store?.close();
    },
  };
}
