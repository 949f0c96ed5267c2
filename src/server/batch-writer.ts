// Group commit without a fixed timer. When the writer is idle, a submission is written at the end of
// the current event-loop turn (so requests parsed in the same turn share it; a lone report waits
// microseconds, not a timer). While a write is in flight, new submissions queue, and the next write
// takes all of them in ONE store.insertSampleGroups call (on MySQL one round trip) — one commit (one
// fsync) for many reports, each caller still told its own counts. A busy
// server thus does fewer, larger commits instead of being bound by one round trip and one fsync per
// report. Each caller's promise settles only after the commit that holds its rows.

import { performance } from 'node:perf_hooks';
import { retryConflicts } from '../store/retry.js';
import type { Store } from '../store/store.js';
import type { InsertResult, NewSample } from '../store/types.js';

export interface CommitStats {
  /** Rows sent to the database in this commit. */
  rows: number;
  /** Submissions (HTTP requests) the commit answered. */
  requests: number;
  seconds: number;
}

export interface BatchWriterOptions {
  store: Store;
  /** Upper bound on rows per commit; a single larger submission is still written whole. */
  maxBatchRows?: number;
  /** Deadlocks and certification failures retry the whole transaction up to this many times in all… */
  attempts?: number;
  /** …and start no attempt later than this after the first (a request's deadline). */
  retryWithinMs?: number;
  /** Told each committed sample's host and receive time (hosts.last_seen is written apart). */
  onSeen?: (hostId: number, receivedAt: Date) => void;
  onCommit?(stats: CommitStats): void;
  onError?(error: unknown, stats: CommitStats): void;
}

interface Submission {
  samples: NewSample[];
  resolve(result: InsertResult): void;
  reject(error: unknown): void;
}

export class BatchWriter {
  readonly #store: Store;
  readonly #maxBatchRows: number;
  readonly #attempts: number;
  readonly #options: BatchWriterOptions;
  #queue: Submission[] = [];
  #writing = false;
  #scheduled = false;
  #idle: (() => void)[] = [];

  constructor(options: BatchWriterOptions) {
    this.#store = options.store;
    this.#maxBatchRows = options.maxBatchRows ?? 2000;
    this.#attempts = options.attempts ?? 12;
    this.#options = options;
  }

  /** Resolves after the commit that holds these rows, with this caller's own counts. */
  submit(samples: NewSample[]): Promise<InsertResult> {
    if (samples.length === 0) return Promise.resolve({ inserted: 0, duplicates: 0 });
    return new Promise<InsertResult>((resolve, reject) => {
      this.#queue.push({ samples, resolve, reject });
      if (!this.#scheduled && !this.#writing) {
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          this.#pump();
        });
      }
    });
  }

  /** Submissions waiting for a commit that has not started yet. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Resolves once everything submitted so far has been committed (or has failed). */
  drain(): Promise<void> {
    if (!this.#writing && this.#queue.length === 0 && !this.#scheduled) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Starts the next write when none is in flight; each finished write pumps again. */
  #pump(): void {
    if (!this.#writing && this.#queue.length > 0) {
      this.#writing = true;
      void this.#write(this.#takeBatch());
    } else if (!this.#writing && !this.#scheduled) {
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  #takeBatch(): Submission[] {
    let rows = 0;
    let count = 0;
    for (const submission of this.#queue) {
      if (count > 0 && rows + submission.samples.length > this.#maxBatchRows) break;
      rows += submission.samples.length;
      count++;
    }
    return this.#queue.splice(0, count);
  }

  async #write(batch: Submission[]): Promise<void> {
    let answer: () => void;
    try {
      answer = await this.#commit(batch);
    } catch (error) {
      // Only a throwing onCommit/onError hook gets here; the callers must still hear back.
      answer = () => batch.forEach((submission) => submission.reject(error));
    }
    // Start the next commit BEFORE answering this batch: the database works on it while these
    // responses are written (a socket write each), instead of waiting behind all of them.
    this.#writing = false;
    this.#pump();
    answer();
  }

  /** Writes one batch; returns what settles its callers (not called yet, see #write). */
  async #commit(batch: Submission[]): Promise<() => void> {
    const stats: CommitStats = {
      rows: batch.reduce((rows, submission) => rows + submission.samples.length, 0),
      requests: batch.length,
      seconds: 0,
    };
    const started = performance.now();
    let results: InsertResult[];
    try {
      // The store splits the counts per caller; a row two callers sent (an agent retrying while its
      // first request is in this batch) counts as a duplicate of the later one.
      results = await retryConflicts(() => this.#store.insertSampleGroups(batch.map((submission) => submission.samples)), this.#attempts, {
        withinMs: this.#options.retryWithinMs,
      });
    } catch (error) {
      stats.seconds = (performance.now() - started) / 1000;
      this.#options.onError?.(error, stats);
      return () => batch.forEach((submission) => submission.reject(error));
    }
    stats.seconds = (performance.now() - started) / 1000;
    const onSeen = this.#options.onSeen;
    if (onSeen) for (const submission of batch) for (const sample of submission.samples) onSeen(sample.hostId, sample.receivedAt);
    this.#options.onCommit?.(stats);
    return () => batch.forEach((submission, i) => submission.resolve(results[i]!));
  }
}
