// The collect delivery flow, independent of HTTP: `send` posts to the server, or writes straight to
// the database in one-box mode.
//
// Why the new report goes into the spool BEFORE anything is sent: a spool file is removed only after
// the server acknowledged its reports, so at every instant each report is either acknowledged or on
// disk. Kill the process anywhere — before the send, during it, between the acknowledgement and the
// removal — and the next run finds the file and sends it (again); the server stores a re-sent report
// once (same host, collected_at and dataset), so the worst case is a duplicate request, never a loss
// and never a report that is both stored and forgotten-as-unsent.
//
// Order of a run: append this run's report; enforce the size and age limits; take the flush lock;
// send the older spool files oldest first in batches; then this run's report on its own, last — so a
// refusal of it is unambiguous.
//
// Refusals (4xx):
// - this run's report refused: removed from the spool (a 4xx is not spooled) -> RejectedError, exit 1.
// - an older batch refused for its content (400, 413, 422): each file is retried alone, so one bad
//   report cannot block the queue forever; a file refused on its own is moved to spool/set-aside/
//   (kept for a human, not re-sent), the rest is delivered, and the run ends with RejectedError.
// - an older batch refused for any other reason (401 bad key, 403 wrong host, 404 wrong URL, a
//   redirect): a configuration mistake, not bad data — every spooled report stays for when it is
//   fixed, this run's report is not kept (a 4xx is not spooled), and the run fails with RejectedError.

import { RejectedError } from '../errors.js';
import type { Logger } from '../context.js';
import type { Report, WireReport } from '../reports/report.js';
import { formatDurationCompact } from '../time/duration.js';
import type { SendResult } from './send.js';
import { tryFlushLock } from './spool-lock.js';
import type { Spool, SpoolEntry } from './spool.js';

export type SendBatch = (reports: WireReport[]) => Promise<SendResult>;

export interface DeliverOptions {
  spool: Spool;
  report: Report;
  send: SendBatch;
  /** Most reports per request when flushing the spool. */
  batchSize: number;
  limits: { maxBytes: number; maxAgeMs: number };
  now: Date;
  log: Logger;
  /** A flush lock older than this is taken over (its run was killed). Default 10 minutes. */
  lockStaleAfterMs?: number;
}

export interface DeliverSummary {
  /** Reports acknowledged in this run: older spooled ones plus this run's. */
  sent: number;
  /** Reports waiting in the spool when the run ended (this run's among them when it was not acknowledged). */
  spooled: number;
  /** Spooled reports dropped by the size and age limits. */
  dropped: number;
  /** Why the server was not reached, when it was not; null when everything went through. */
  unavailable: string | null;
  /** Another collect run was flushing: this run's report waits in the spool for the next run. */
  deferred: boolean;
}

const DEFAULT_LOCK_STALE_MS = 10 * 60_000;
/** Statuses that judge the reports themselves, not the key, the URL or the host. */
const CONTENT_REFUSALS = new Set([400, 413, 422]);

export async function deliverWithSpool(options: DeliverOptions): Promise<DeliverSummary> {
  const { spool, log } = options;
  const newFile = await spool.append([options.report]);
  const summary: DeliverSummary = { sent: 0, spooled: 0, dropped: 0, unavailable: null, deferred: false };

  const release = await tryFlushLock(spool.dir, { now: options.now, staleAfterMs: options.lockStaleAfterMs ?? DEFAULT_LOCK_STALE_MS });
  if (!release) {
    // The run holding the lock enforces the limits and sends; this one only leaves its report.
    log.info('another collect run is sending the spool; this report waits in it for the next run');
    return { ...summary, deferred: true, spooled: await spool.size() };
  }
  try {
    // The spool is read once per run: a long outage can leave thousands of files in it.
    const listed = await spool.list((file, reason) => log.warn(`set aside ${reason} ${file} in ${spool.dir}/set-aside`));
    const { dropped, kept: entries } = await spool.applyLimits(listed, { ...options.limits, now: options.now, keep: newFile });
    if (dropped.tooOld > 0) {
      log.warn(`dropped ${dropped.tooOld} spooled reports older than ${formatDurationCompact(options.limits.maxAgeMs)}`);
    }
    if (dropped.overSize > 0) {
      log.warn(`dropped ${dropped.overSize} spooled reports over ${formatBytes(options.limits.maxBytes)}`);
    }
    summary.dropped = dropped.tooOld + dropped.overSize;

    const flush = new Flush(options, summary);
    let reached = true;
    for (const batch of batches(
      entries.filter((entry) => entry.file !== newFile),
      options.batchSize,
    )) {
      reached = await flush.send(batch, newFile);
      if (!reached) break;
    }
    // Gone from the list: an overlapping run already sent it (or the limits dropped it).
    const own = entries.find((entry) => entry.file === newFile);
    if (reached && own) {
      const result = await options.send(own.reports);
      if (result.kind === 'accepted') {
        await spool.remove(own.file);
        summary.sent += own.reports.length;
      } else if (result.kind === 'unavailable') {
        summary.unavailable = result.reason;
      } else {
        await spool.remove(own.file);
        throw refusal(`server refused the report (${result.status}): ${result.message}`, result.status);
      }
    }
    summary.spooled = count(entries) - summary.sent - flush.setAsideReports;
    if (summary.unavailable !== null) {
      log.info(`server not reached: ${summary.unavailable}; ${summary.spooled} report(s) kept in ${spool.dir}, sent first next run`);
    }
    flush.throwIfSetAside();
    return summary;
  } finally {
    await release();
  }
}

/** Sends older spool files, isolating reports the server refuses for their content. */
class Flush {
  private readonly setAside: { reports: number; status: number; message: string; path: string }[] = [];

  constructor(
    private readonly options: DeliverOptions,
    private readonly summary: DeliverSummary,
  ) {}

  /** false: the server could not be reached, stop flushing. Throws on a configuration refusal. */
  async send(batch: SpoolEntry[], newFile: string): Promise<boolean> {
    const { spool } = this.options;
    const result = await this.options.send(batch.flatMap((entry) => entry.reports));
    if (result.kind === 'accepted') {
      for (const entry of batch) await spool.remove(entry.file);
      this.summary.sent += count(batch);
      return true;
    }
    if (result.kind === 'unavailable') {
      this.summary.unavailable = result.reason;
      return false;
    }
    if (!CONTENT_REFUSALS.has(result.status)) {
      await spool.remove(newFile);
      const waiting = await spool.size();
      throw refusal(
        `server refused spooled reports (${result.status}): ${result.message}; ${waiting} reports stay in ${spool.dir} until this is fixed`,
        result.status,
      );
    }
    if (batch.length > 1) {
      for (const entry of batch) if (!(await this.send([entry], newFile))) return false;
      return true;
    }
    const entry = batch[0]!;
    const path = await spool.setAside(entry.file, 'rejected');
    this.setAside.push({ reports: entry.reports.length, status: result.status, message: result.message, path });
    this.options.log.error(
      `server refused ${entry.reports.length} spooled report(s) (${result.status}): ${result.message}; moved to ${path}`,
    );
    return true;
  }

  /** Reports moved out of the queue because the server refused their content. */
  get setAsideReports(): number {
    return this.setAside.reduce((total, item) => total + item.reports, 0);
  }

  throwIfSetAside(): void {
    if (this.setAside.length === 0) return;
    const first = this.setAside[0]!;
    throw refusal(
      `server refused ${this.setAsideReports} spooled report(s) (${first.status}): ${first.message}; set aside in ${this.options.spool.dir}/set-aside`,
      first.status,
    );
  }
}

/** Consecutive files, at most `size` reports per batch (a larger file goes alone: files are never split). */
export function batches(entries: readonly SpoolEntry[], size: number): SpoolEntry[][] {
  const result: SpoolEntry[][] = [];
  let current: SpoolEntry[] = [];
  let reports = 0;
  for (const entry of entries) {
    if (current.length > 0 && reports + entry.reports.length > size) {
      result.push(current);
      current = [];
      reports = 0;
    }
    current.push(entry);
    reports += entry.reports.length;
  }
  if (current.length > 0) result.push(current);
  return result;
}

function count(batch: readonly SpoolEntry[]): number {
  return batch.reduce((total, entry) => total + entry.reports.length, 0);
}

function refusal(message: string, status: number): RejectedError {
  return new RejectedError(message, status, { hint: hintFor(status) });
}

function hintFor(status: number): string {
  if (status === 401) return 'check agent.host_key (or MONITOR_HOST_KEY); `monitor hosts rotate-key HOST` prints a new key';
  if (status === 403) return 'the key belongs to another host: check agent.host_name (or MONITOR_HOST_NAME)';
  if (status === 413) return "the report is larger than the server's server.max_body";
  if (status === 400 || status === 422) return 'the server names the bad field; check the --dataset/--files/--*-event values';
  return 'check server.url (or MONITOR_SERVER_URL)';
}

/** 10485760 -> "10MiB", 1536 -> "1.5KiB". */
function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number(value.toFixed(1))}${units[unit]}`;
}
