// One `monitor check` run: take the lease (renewed by a heartbeat while the run works), re-sync host
// checks if the config changed, load with a fixed number of statements, evaluate (pure), write the
// transitions in one transaction, then deliver the outbox. Two runs at once (a slow cron run
// overlapping the next, or two boxes): the second finds the lease held by a working run and leaves;
// the unique open-alert key and the outbox claims guard the rest (check-lease.ts).

import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { ConflictError } from '../errors.js';
import { isProcessAlive } from '../system/process-alive.js';
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
import { CHECK_LEASE, describeHolder, takeCheckLease, type HeldLease } from './check-lease.js';
import { evaluateAll } from './evaluate-all.js';
import { holdBackFleetSilence } from './fleet-silence.js';
import { formatTransitionLine } from './lines.js';
import { loadCheckInputs } from './load-inputs.js';
import type { CheckProblem } from './prepare-checks.js';
import type { TransitionRecord } from './types.js';

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
  /** "no reports from any host …": set when every host is silent (fleet-silence.ts). */
  fleetProblem: string | null;
  conflicts: number;
  delivery: DeliveryResult | null;
}

/** A run that evaluated nothing, or whose evaluation was not written (what a sync closed was). */
function skippedRun(skipped: string, synced = false, closed: TransitionRecord[] = []): CheckRunResult {
  return { skipped, evaluated: 0, transitions: closed, problems: [], synced, fleetProblem: null, conflicts: 0, delivery: null };
}

export async function runCheck(options: CheckRunOptions): Promise<CheckRunResult> {
  const { store, config, dryRun } = options;
  if (dryRun) return evaluateAndApply(options, null);
  const holder = { host: hostname(), pid: process.pid };
  const taken = await takeCheckLease({
    store,
    ttlMs: config.alerting.leaseTtlMs,
    clock: options.wallClock,
    log: options.log,
    holder,
    owner: `${holder.host}:${holder.pid}:${randomBytes(4).toString('hex')}`,
    isAlive: isProcessAlive,
  });
  if (taken.kind === 'busy') return skippedRun('another `monitor check` run holds the lease');
  if (taken.kind === 'stuck') {
    throw new ConflictError(`the check lease is ${describeHolder(taken.holder, options.wallClock())}, and its holder is not renewing it`, {
      hint: "if that run is gone, delete the row: DELETE FROM leases WHERE lease_name = 'check'",
    });
  }
  try {
    return await evaluateAndApply(options, taken.lease);
  } finally {
    await taken.lease.release();
  }
}

async function evaluateAndApply(options: CheckRunOptions, lease: HeldLease | null): Promise<CheckRunResult> {
  const { store, config, registry, now, dryRun } = options;
  const { synced, closed } = await syncIfConfigChanged(options);
  const inputs = await loadCheckInputs(store, registry, { now, host: options.host, sampleMaxAgeMs: config.alerting.sampleMaxAgeMs });
  const evaluation = evaluateAll(inputs, {
    now,
    sampleMaxAgeMs: config.alerting.sampleMaxAgeMs,
    repeatMsFor: (checkKey) => config.checkTypes[checkKey]?.repeatIntervalMs ?? config.alerting.repeatIntervalMs,
    flap: { window: config.alerting.flapWindow, highPct: config.alerting.flapHighPct, lowPct: config.alerting.flapLowPct },
  });
  const { evaluated, forget, problems } = evaluation;
  const { changed, problem: fleetProblem } = holdBackFleetSilence(inputs, evaluation.changed, now);

  if (dryRun) {
    const transitions: TransitionRecord[] = [];
    for (const evaluation of changed) transitions.push(...((await transitionRecords(evaluation, now, DRY_RUN_WRITES)) ?? []));
    return { skipped: null, evaluated, transitions, problems, synced, fleetProblem, conflicts: 0, delivery: null };
  }

  const channels = channelsFor(options.notifiers);
  // A steady run (nothing changed anywhere) opens no transaction at all.
  const applied =
    changed.length === 0 && forget.length === 0
      ? { records: [], conflicts: 0 }
      : await withTransactionRetry(
          store,
          async (tx) => {
            // Fenced: a run that stalled past its lease (a pause longer than lease_ttl) while another
            // took the lease over evaluated what is stale now; renewing in this transaction puts the
            // lease row in its write-set, so it commits only while this run still holds the lease.
            if (lease && !(await tx.renewLease(CHECK_LEASE, lease.owner, options.wallClock(), config.alerting.leaseTtlMs))) return null;
            return applyEvaluations(tx, changed, {
              now,
              forget,
              notifications: (records) =>
                outboxRows(records, channels, formatTransitionLine, options.wallClock(), config.alerting.groupThreshold),
            });
          },
          5,
          // The set-based writes read what is open, then write: on SQLite the write lock is taken first.
          { immediate: true },
        );
  if (applied === null) {
    return skippedRun('another `monitor check` run took the lease over while this one was evaluating', synced, closed);
  }
  const delivery =
    options.notifiers.length > 0
      ? await deliverPending({
          store,
          notifiers: options.notifiers,
          now: options.wallClock,
          maxAttempts: config.alerting.maxNotifyAttempts,
          log: options.log,
          // The lease owner: a run that takes over from this one when it dies frees these claims.
          claimToken: lease?.owner,
          claimMs: claimDurationMs(config),
        })
      : null;
  return {
    skipped: null,
    evaluated,
    transitions: [...closed, ...applied.records],
    problems,
    synced,
    fleetProblem,
    conflicts: applied.conflicts,
    delivery,
  };
}

/**
 * How long a claimed outbox row stays ours: the slowest channel's timeout and a minute more, so a
 * send that is still within its timeout is never claimed by another run (a duplicate), while a claim
 * left by a run that died on another machine frees its row within a few minutes.
 */
export function claimDurationMs(config: Config): number {
  const { webhooks, slack, email, commands } = config.notify;
  const timeouts = [...webhooks, ...commands, ...(slack ? [slack] : []), ...(email ? [email] : [])].map((channel) => channel.timeoutMs);
  return Math.max(0, ...timeouts) + 60_000;
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
    if (plan.changes.length > 0 || plan.catalogue.length > 0)
      options.log.warn('the config changed since the last sync; this dry run evaluates the checks as stored');
    return { synced: false, closed: [] };
  }
  const closed = await applySync(store, plan, {
    now: options.now,
    channels: channelsFor(options.notifiers),
    groupThreshold: config.alerting.groupThreshold,
  });
  return { synced: true, closed };
}

/** The dry run's writes: nothing is written, nothing is taken, a new alert has no id yet. */
const DRY_RUN_WRITES: AlertWrites = {
  open: () => Promise.resolve({ alertId: null }),
  changeSeverity: () => Promise.resolve(undefined),
  resolve: () => Promise.resolve(true),
};
