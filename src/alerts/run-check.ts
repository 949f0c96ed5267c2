// One `monitor check` run: take the lease, re-sync host checks if the config changed, load with a
// fixed number of statements, evaluate (pure), write the transitions in one transaction, then
// deliver the outbox. Two runs at once (a slow cron run overlapping the next, or two boxes): the
// second finds the lease taken and leaves; the unique open-alert key guards the rest.

import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/types.js';
import type { Logger } from '../context.js';
import type { CheckRegistry } from '../checks/registry.js';
import { applySync, isSynced, planSync } from '../host-checks/sync.js';
import type { Notifier } from '../notify/types.js';
import { outboxRows } from '../notify/payload.js';
import { channelsFor, deliverPending, type DeliveryResult } from '../notify/outbox.js';
import type { Store } from '../store/store.js';
import type { Host } from '../store/types.js';
import { withTransactionRetry } from '../store/retry.js';
import { applyEvaluations, transitionRecords, type AlertWrites } from './apply-transitions.js';
import { evaluateAll } from './evaluate-all.js';
import { formatTransitionLine } from './lines.js';
import { loadCheckInputs } from './load-inputs.js';
import type { CheckProblem } from './prepare-checks.js';
import type { TransitionRecord } from './types.js';

const CHECK_LEASE = 'check';

export interface CheckRunOptions {
  store: Store;
  config: Config;
  registry: CheckRegistry;
  notifiers: Notifier[];
  log: Logger;
  /** The moment evaluated: now, or --at. */
  now: Date;
  /** The wall clock, for lease expiry and delivery attempts (differs from `now` with --at). */
  wallClock: () => Date;
  host: Host | null;
  dryRun: boolean;
}

export interface CheckRunResult {
  /** Null when the run went ahead; otherwise why it did not. */
  skipped: string | null;
  evaluated: number;
  transitions: TransitionRecord[];
  problems: CheckProblem[];
  synced: boolean;
  conflicts: number;
  delivery: DeliveryResult | null;
}

export async function runCheck(options: CheckRunOptions): Promise<CheckRunResult> {
  const { store, config, dryRun } = options;
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  if (!dryRun) {
    const held = await store.acquireLease(CHECK_LEASE, owner, options.wallClock(), config.alerting.leaseTtlMs);
    if (!held) {
      return { skipped: 'another `monitor check` run holds the lease', evaluated: 0, transitions: [], problems: [], synced: false, conflicts: 0, delivery: null };
    }
  }
  try {
    return await evaluateAndApply(options);
  } finally {
    if (!dryRun) await store.releaseLease(CHECK_LEASE, owner);
  }
}

async function evaluateAndApply(options: CheckRunOptions): Promise<CheckRunResult> {
  const { store, config, registry, now, dryRun } = options;
  const { synced, closed } = await syncIfConfigChanged(options);
  const inputs = await loadCheckInputs(store, registry, { now, host: options.host, sampleMaxAgeMs: config.alerting.sampleMaxAgeMs });
  const { evaluated, changed, forget, problems } = evaluateAll(inputs, {
    now,
    sampleMaxAgeMs: config.alerting.sampleMaxAgeMs,
    repeatMsFor: (checkKey) => config.checkTypes[checkKey]?.repeatIntervalMs ?? config.alerting.repeatIntervalMs,
    flap: { window: config.alerting.flapWindow, highPct: config.alerting.flapHighPct, lowPct: config.alerting.flapLowPct },
  });

  if (dryRun) {
    const transitions: TransitionRecord[] = [];
    for (const evaluation of changed) transitions.push(...((await transitionRecords(evaluation, now, DRY_RUN_WRITES)) ?? []));
    return { skipped: null, evaluated, transitions, problems, synced, conflicts: 0, delivery: null };
  }

  const channels = channelsFor(options.notifiers);
  // A steady run (nothing changed anywhere) opens no transaction at all.
  const applied =
    changed.length === 0 && forget.length === 0
      ? { records: [], conflicts: 0 }
      : await withTransactionRetry(store, (tx) =>
          applyEvaluations(tx, changed, {
            now,
            forget,
            notifications: (records) => outboxRows(records, channels, formatTransitionLine, options.wallClock()),
          }),
        );
  const delivery =
    options.notifiers.length > 0
      ? await deliverPending({
          store,
          notifiers: options.notifiers,
          now: options.wallClock,
          maxAttempts: config.alerting.maxNotifyAttempts,
          log: options.log,
        })
      : null;
  return { skipped: null, evaluated, transitions: [...closed, ...applied.records], problems, synced, conflicts: applied.conflicts, delivery };
}

/**
 * `check` applies config edits by itself: re-sync when the checks part of the config changed. The
 * open alerts of checks the edit disabled are closed then, announced through this run's channels.
 */
async function syncIfConfigChanged(options: CheckRunOptions): Promise<{ synced: boolean; closed: TransitionRecord[] }> {
  const { store, config, registry } = options;
  if (await isSynced(store, config)) return { synced: false, closed: [] };
  const plan = await planSync(store, config, registry);
  for (const name of plan.unregisteredHosts) {
    options.log.warn(`host '${name}' is in the config but not registered; add it with \`monitor hosts add ${name}\``);
  }
  if (options.dryRun) {
    if (plan.changes.length > 0 || plan.catalogue.length > 0) options.log.warn('the config changed since the last sync; this dry run evaluates the checks as stored');
    return { synced: false, closed: [] };
  }
  const closed = await applySync(store, plan, { now: options.now, channels: channelsFor(options.notifiers) });
  return { synced: true, closed };
}

/** The dry run's writes: nothing is written, nothing is taken, a new alert has no id yet. */
const DRY_RUN_WRITES: AlertWrites = {
  open: async () => ({ alertId: null }),
  changeSeverity: async () => undefined,
  resolve: async () => true,
};
