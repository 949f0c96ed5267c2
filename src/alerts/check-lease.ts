// The `check` lease: one evaluator at a time, without ever going silent for long. The lease is short
// (alerting.lease_ttl, 60 s) and renewed while the run works (a heartbeat every third of it), so:
// - a holder whose process is gone on this machine (kill -9, OOM) is taken over at once, and the
//   outbox rows it had claimed are freed for this run;
// - a holder on another machine that stopped renewing is taken over when its lease expires, at most
//   one ttl after its last renewal; this run waits for that rather than leaving;
// - a holder that renews is at work: this run leaves (exit 0), as an overlapping cron run should;
// - a holder that neither renews nor expires within one ttl (a lease written with a longer ttl, or a
//   clock far ahead) is reported as stuck: the caller says so and exits 1.
// Each lease statement runs alone (autocommit), and both drivers send such a statement again when the
// database rolled it back as a conflict (a deadlock, a lock wait timeout, a Galera certification
// failure or a node not ready), within their own deadline: no retry of our own around them.

import type { Logger } from '../context.js';
import type { Store } from '../store/store.js';
import type { Lease, LeaseHolder } from '../store/types.js';

export const CHECK_LEASE = 'check';

export interface CheckLeaseOptions {
  store: Store;
  ttlMs: number;
  /** The wall clock (not --at). */
  clock: () => Date;
  log: Logger;
  /** This process: its machine and pid, recorded in the lease row. */
  holder: LeaseHolder;
  /** Unique per run: the lease owner and the outbox claim token. */
  owner: string;
  isAlive: (pid: number) => boolean;
  sleep?: (ms: number) => Promise<void>;
}

export interface HeldLease {
  owner: string;
  /** The dead run this one took over from, if any. */
  tookOverFrom: Lease | null;
  /** True once a renewal found the lease taken by another run. */
  lost(): boolean;
  /** Stops the heartbeat and deletes the row. */
  release(): Promise<void>;
}

export type LeaseOutcome = { kind: 'held'; lease: HeldLease } | { kind: 'busy'; holder: Lease } | { kind: 'stuck'; holder: Lease };

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * How often the holder renews: a third of the ttl, so one late renewal never loses the lease (not
 * more often than every 50 ms, whatever tiny ttl a test configures).
 */
export function renewalIntervalMs(ttlMs: number): number {
  return Math.max(50, Math.floor(ttlMs / 3));
}

export async function takeCheckLease(options: CheckLeaseOptions): Promise<LeaseOutcome> {
  const { store, ttlMs, clock, holder, owner } = options;
  const sleep = options.sleep ?? sleepFor;
  const renewEvery = renewalIntervalMs(ttlMs);
  // Wait at most one ttl (three renewal intervals for a tiny test ttl) for a silent holder's lease to run out.
  const giveUpAt = clock().getTime() + Math.max(ttlMs, 3 * renewEvery);
  for (;;) {
    const now = clock();
    if (await store.acquireLease(CHECK_LEASE, owner, now, ttlMs, holder)) {
      return { kind: 'held', lease: startHeartbeat(options, null) };
    }
    const current = await store.getLease(CHECK_LEASE);
    if (current === null) continue; // released between the two statements: try again
    if (current.host === holder.host && current.pid !== null && current.pid !== holder.pid && !options.isAlive(current.pid)) {
      if (await store.takeOverLease(CHECK_LEASE, current.owner, owner, clock(), ttlMs, holder)) {
        const freed = await store.releaseNotificationClaims(current.owner);
        options.log.info(`took over the check lease from a run that is gone (pid ${current.pid} on ${current.host})`, {
          previousOwner: current.owner,
          freedClaims: freed,
        });
        return { kind: 'held', lease: startHeartbeat(options, current) };
      }
      continue; // another run took it first: look again
    }
    const nowMs = clock().getTime();
    // A renewing holder renewed within the last interval; allow one interval more for a late beat.
    if (current.renewedAt !== null && nowMs - current.renewedAt.getTime() <= 2 * renewEvery) return { kind: 'busy', holder: current };
    // Stuck: still valid after all that wait. (Expired meanwhile: the next attempt takes it.)
    if (nowMs >= giveUpAt && current.expiresAt.getTime() > nowMs) return { kind: 'stuck', holder: current };
    // Not renewing: wait for the lease to run out (polling, in case it is released sooner).
    const wait = Math.min(current.expiresAt.getTime() - nowMs + 5, renewEvery, giveUpAt - nowMs);
    await sleep(Math.max(10, wait));
  }
}

function startHeartbeat(options: CheckLeaseOptions, tookOverFrom: Lease | null): HeldLease {
  const { store, ttlMs, clock, log, owner } = options;
  let lost = false;
  let beating: Promise<void> | null = null;
  const beat = async () => {
    try {
      if (!(await store.renewLease(CHECK_LEASE, owner, clock(), ttlMs))) {
        lost = true;
        log.debug(
          'the check lease was taken over by another run; the open-alert key and outbox claims keep this run from repeating its work',
        );
      }
    } catch (error) {
      // The next beat tries again; the run's own statements report a database that is gone.
      log.debug(`could not renew the check lease: ${(error as Error).message}`);
    }
  };
  const timer = setInterval(() => {
    if (lost || beating) return;
    beating = beat().finally(() => {
      beating = null;
    });
  }, renewalIntervalMs(ttlMs));
  // The heartbeat never keeps the process alive on its own.
  timer.unref();
  return {
    owner,
    tookOverFrom,
    lost: () => lost,
    async release() {
      clearInterval(timer);
      await beating;
      await store.releaseLease(CHECK_LEASE, owner);
    },
  };
}

/** "held by web-01 pid 4242, last renewed 3m12s ago (until 10:03:00Z)" */
export function describeHolder(lease: Lease, now: Date): string {
  const who = lease.host !== null && lease.pid !== null ? `${lease.host} pid ${lease.pid}` : lease.owner;
  const renewed =
    lease.renewedAt === null ? 'never renewed' : `last renewed ${Math.round((now.getTime() - lease.renewedAt.getTime()) / 1000)} s ago`;
  return `held by ${who}, ${renewed}, expiring ${lease.expiresAt.toISOString()}`;
}
