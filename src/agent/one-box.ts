// One-box mode: no server URL configured, so `collect` writes its reports straight to the database,
// through the same validation and spool as a remote agent. The host registers itself on first use
// (its key is never needed: nothing authenticates over HTTP here). Registration, and the check
// registry it needs, load only on that first report: every later run skips them.

import type { Context } from '../context.js';
import { ConfigError, ConflictError, MonitorError, RetryableTransactionError, UnavailableError, UsageError } from '../errors.js';
import { toSamples } from '../reports/ingest.js';
import type { WireReport } from '../reports/report.js';
import { parseReportsBody } from '../reports/validate.js';
import type { Store } from '../store/store.js';
import type { Host } from '../store/types.js';
import type { SendResult } from './send.js';

export interface DatabaseSender {
  send(reports: WireReport[]): Promise<SendResult>;
  close(): Promise<void>;
}

export function databaseSender(ctx: Context): DatabaseSender {
  const { config } = ctx;
  let store: Store | null = null;
  return {
    async send(reports) {
      const now = ctx.clock.now();
      try {
        store ??= await ctx.openStore();
        const parsed = parseReportsBody({ reports }, now);
        const host = (await store.findHostByName(config.agent.hostName)) ?? (await registerThisHost(ctx, store, now));
        const result = await store.insertSamples(toSamples(host, parsed, now));
        return { kind: 'accepted', body: { accepted: result.inserted, duplicates: result.duplicates } };
      } catch (error) {
        // A deadlock or certification failure is the database's moment, not the reports' fault: next run.
        if (error instanceof UnavailableError || error instanceof RetryableTransactionError) {
          return { kind: 'unavailable', reason: error.message };
        }
        // The setup's fault, not the reports': the run fails (exit 2) and the spool waits for the fix.
        if (error instanceof ConfigError || error instanceof UsageError) throw error;
        // The reports' fault (a field the server would refuse, a spooled report of another host name):
        // refused like a 400, so the spool sets them aside instead of retrying them every run.
        if (error instanceof MonitorError) return { kind: 'rejected', status: 400, message: error.message };
        throw error;
      }
    },
    async close() {
      await store?.close();
    },
  };
}

/**
 * First report of this host: register it. Another collect of the same host (a pipeline job's run
 * beside cron's, under another user and state dir) may register it at the same moment; losing that
 * race is no reason to refuse the report — the host exists now, so use it.
 */
async function registerThisHost(ctx: Context, store: Store, now: Date): Promise<Host> {
  const hostName = ctx.config.agent.hostName;
  // Loaded here, not at the top: only a host's first report needs them, and collect runs every minute.
  const { registerHost } = await import('../hosts/register.js');
  const { loadRegistry } = await import('../checks/load-registry.js');
  try {
    const { host } = await registerHost(store, ctx.config, await loadRegistry(ctx.config, ctx.cwd), { hostName, description: null, now });
    ctx.log.info(`registered this host as '${host.hostName}' in ${store.location}`);
    return host;
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const host = await store.findHostByName(hostName);
    if (!host) throw error;
    return host;
  }
}
