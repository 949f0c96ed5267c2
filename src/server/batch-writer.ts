// Group commit without a fixed timer. When the writer is idle, a submission is written at the end of
// the current event-loop turn (so requests parsed in the same turn share it; a lone report waits
// microseconds, not a timer). While a write is in flight, new submissions queue, and the next write
// takes all of them in ONE store call (insertSampleGroups where the store has it: on MySQL one round
// trip; else one transaction of insertSamples) — one commit (one fsync) for many reports. A busy
// server thus does fewer, larger commits instead of being bound by one round trip and one fsync per
// report. Each caller's promise settles only after the commit that holds its rows.

import { performance } from 'node:perf_hooks';
import { RetryableTransactionError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { InsertResult, NewSample } from '../store/types.js';

export interface CommitStats {
  /** Rows sent to the database in this commit (after removing duplicates within the batch). */
  rows: number;
  /** Submissions (HTTP requests) the commit answered. */
  requests: number;
  seconds: number;
}

export interface BatchWriterOptions {
  store: Store;
  /** Upper bound on rows per commit; a single larger submission is still written whole. */
  maxBatchRows?: number;
  /** Deadlocks and certification failures retry the whole transaction this many times in all. */
  attempts?: number;
  onCommit?(stats: CommitStats): void;
  onError?(error: unknown, stats: CommitStats): void;
}

interface Submission {
  samples: NewSample[];
  resolve(result: InsertResult): void;
  reject(error: unknown): void;
}

/** A submission's rows after in-batch deduplication, and how many of its rows were dropped as repeats. */
interface Part {
  submission: Submission;
  rows: NewSample[];
  repeated: number;
}

/** Thrown inside the transaction to roll it back when the combined counts cannot be split per caller. */
class MixedDuplicates extends Error {}

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
    this.#attempts = options.attempts ?? 3;
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
    // An agent that retries (after a timeout, a 503) can send rows that are already in this batch;
    // send each key once and count the repeat as a duplicate of the later submission.
    const seen = new Set<string>();
    const parts: Part[] = batch.map((submission) => {
      const part: Part = { submission, rows: [], repeated: 0 };
      for (const sample of submission.samples) {
        const key = `${sample.hostId}\u0000${sample.collectedAt.getTime()}\u0000${sample.datasetName ?? ''}`;
        if (seen.has(key)) part.repeated++;
        else {
          seen.add(key);
          part.rows.push(sample);
        }
      }
      return part;
    });
    const stats: CommitStats = { rows: seen.size, requests: batch.length, seconds: 0 };
    const started = performance.now();
    let results: InsertResult[];
    try {
      results = await this.#withRetry(() => this.#insert(parts));
    } catch (error) {
      stats.seconds = (performance.now() - started) / 1000;
      this.#options.onError?.(error, stats);
      return () => parts.forEach((part) => part.submission.reject(error));
    }
    stats.seconds = (performance.now() - started) / 1000;
    this.#options.onCommit?.(stats);
    return () =>
      parts.forEach((part, i) => {
        const result = results[i]!;
        part.submission.resolve({ inserted: result.inserted, duplicates: result.duplicates + part.repeated });
      });
  }

  /** Per part, its counts. One INSERT for the whole batch in the usual case. */
  async #insert(parts: Part[]): Promise<InsertResult[]> {
    const zero = (): InsertResult => ({ inserted: 0, duplicates: 0 });
    const writers = parts.filter((part) => part.rows.length > 0);
    // results[i] belongs to writers[i]; parts whose rows were all repeats get zero counts here.
    const spread = (results: InsertResult[]): InsertResult[] => {
      let next = 0;
      return parts.map((part) => (part.rows.length > 0 ? results[next++]! : zero()));
    };
    if (writers.length === 0) return parts.map(zero);
    // The store splits the counts itself, and can commit the whole batch in one round trip (MySQL).
    if (this.#store.insertSampleGroups) return spread(await this.#store.insertSampleGroups(writers.map((part) => part.rows)));
    if (writers.length === 1) return spread([await this.#store.insertSamples(writers[0]!.rows)]);

    const all = writers.flatMap((part) => part.rows);
    try {
      return spread(
        await this.#store.transaction(async (tx) => {
          const total = await tx.insertSamples(all);
          if (total.duplicates === 0) return writers.map((part) => ({ inserted: part.rows.length, duplicates: 0 }));
          if (total.inserted === 0) return writers.map((part) => ({ inserted: 0, duplicates: part.rows.length }));
          throw new MixedDuplicates();
        }),
      );
    } catch (error) {
      if (!(error instanceof MixedDuplicates)) throw error;
    }
    // Some rows were already stored (agents re-sending) and the totals do not say whose: redo the
    // batch with one INSERT per caller, still in one transaction. Rare: only re-sent reports get here.
    return spread(
      await this.#store.transaction(async (tx) => {
        const results: InsertResult[] = [];
        for (const part of writers) results.push(await tx.insertSamples(part.rows));
        return results;
      }),
    );
  }

  async #withRetry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (!(error instanceof RetryableTransactionError) || attempt >= this.#attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
      }
    }
  }
}
