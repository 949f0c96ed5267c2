// The agent's durable queue of reports the server has not acknowledged yet: `<stateDir>/spool/`.
// One file per appended batch, named `<oldest collected_at ms>-<seq>-<random>.json`, so that the
// lexical order of names is the oldest-first order of sending. Every file is written atomically
// (temporary file, fsync, rename): after a kill or a power loss a file is either whole or absent.
// Files that cannot be read back are moved to `set-aside/` — kept for a human, never sent, never fatal.

import { makePrivateDir } from '../fs/private-dir.js';
import { readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { toWireReport, type Report, type WireReport } from '../reports/report.js';
import { TMP_PREFIX, writeFileAtomic } from '../fs/atomic-file.js';
import { isNotFound, stateDirError } from './errno.js';
import { isWireReport } from './wire-report.js';
import { uniqueSuffix } from '../fs/unique-suffix.js';

export interface SpoolEntry {
  /** File name inside the spool dir: the handle for remove() and setAside(). */
  file: string;
  reports: WireReport[];
  bytes: number;
}

export interface SpoolLimits {
  maxBytes: number;
  maxAgeMs: number;
  now: Date;
  /** A file never dropped for size (the report this run just appended). */
  keep?: string;
}

export interface DroppedReports {
  /** Reports collected before now - maxAgeMs. */
  tooOld: number;
  /** Reports of the oldest files removed to bring the spool under maxBytes. */
  overSize: number;
}

const NAME = /^\d{15}-\d{6}-[0-9a-f]{8,}\.json$/;
const SET_ASIDE_DIR = 'set-aside';
/** A temporary file this old belongs to a write that was killed, not to one in progress. */
const TMP_STALE_MS = 10 * 60_000;

let sequence = 0;

export class Spool {
  constructor(readonly dir: string) {}

  static inStateDir(stateDir: string): Spool {
    return new Spool(join(stateDir, 'spool'));
  }

  /** Writes the reports as one new spool file; returns its name. */
  async append(reports: readonly (Report | WireReport)[]): Promise<string> {
    if (reports.length === 0) throw new Error('spool append: no reports');
    const wire = reports.map((report) => ('hostName' in report ? toWireReport(report) : report));
    const oldest = Math.min(...wire.map((report) => Date.parse(report.collected_at)));
    sequence = (sequence + 1) % 1_000_000;
    const file = `${String(Math.max(0, oldest)).padStart(15, '0')}-${String(sequence).padStart(6, '0')}-${uniqueSuffix()}.json`;
    try {
      await makePrivateDir(this.dir);
      await writeFileAtomic(join(this.dir, file), JSON.stringify({ version: 1, reports: wire }));
    } catch (error) {
      throw stateDirError(error, this.dir);
    }
    return file;
  }

  /** Every readable spool file, oldest first. Unreadable ones are set aside on the way. */
  async list(onSetAside?: (file: string, reason: string) => void): Promise<SpoolEntry[]> {
    const entries: SpoolEntry[] = [];
    for (const file of await this.fileNames()) {
      let text: string;
      try {
        text = await readFile(join(this.dir, file), 'utf8');
      } catch (error) {
        if (isNotFound(error)) continue; // another run sent and removed it meanwhile
        throw error;
      }
      const reports = parseSpoolFile(text);
      if (!reports) {
        await this.setAside(file, 'corrupt');
        onSetAside?.(file, 'unreadable spool file');
        continue;
      }
      entries.push({ file, reports, bytes: Buffer.byteLength(text) });
    }
    return entries;
  }

  /** Call only after the server acknowledged the file's reports. Gone already is fine. */
  async remove(file: string): Promise<void> {
    try {
      await unlink(join(this.dir, file));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** Moves a file out of the queue into set-aside/ (renamed `<file>.<reason>`); returns its new path. */
  async setAside(file: string, reason: string): Promise<string> {
    const target = join(this.dir, SET_ASIDE_DIR, `${file}.${reason}`);
    await makePrivateDir(join(this.dir, SET_ASIDE_DIR));
    try {
      await rename(join(this.dir, file), target);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return target;
  }

  /**
   * Drops reports older than maxAgeMs, then the oldest files while the spool is over maxBytes, and
   * cleans leftovers of killed writes and old set-aside files. Returns how many reports were dropped.
   */
  async enforceLimits(limits: SpoolLimits): Promise<DroppedReports> {
    return (await this.applyLimits(await this.list(), limits)).dropped;
  }

  /** enforceLimits on entries just listed (no second read of the files); also returns the entries kept. */
  async applyLimits(entries: readonly SpoolEntry[], limits: SpoolLimits): Promise<{ dropped: DroppedReports; kept: SpoolEntry[] }> {
    const dropped: DroppedReports = { tooOld: 0, overSize: 0 };
    const cutoff = limits.now.getTime() - limits.maxAgeMs;
    const young: SpoolEntry[] = [];
    for (const entry of entries) {
      const reports = entry.reports.filter((report) => Date.parse(report.collected_at) >= cutoff);
      dropped.tooOld += entry.reports.length - reports.length;
      if (reports.length === entry.reports.length) {
        young.push(entry);
      } else if (reports.length === 0) {
        await this.remove(entry.file);
      } else {
        // Keep the young part under the same name: its place in the order does not change.
        const text = JSON.stringify({ version: 1, reports });
        await writeFileAtomic(join(this.dir, entry.file), text);
        young.push({ file: entry.file, reports, bytes: Buffer.byteLength(text) });
      }
    }
    let total = young.reduce((bytes, entry) => bytes + entry.bytes, 0);
    const kept: SpoolEntry[] = [];
    for (const entry of young) {
      if (total > limits.maxBytes && entry.file !== limits.keep) {
        await this.remove(entry.file);
        total -= entry.bytes;
        dropped.overSize += entry.reports.length;
      } else {
        kept.push(entry);
      }
    }
    await this.cleanLeftovers(limits.now, limits.maxAgeMs);
    return { dropped, kept };
  }

  /** How many reports wait in the spool. */
  async size(): Promise<number> {
    return (await this.list()).reduce((count, entry) => count + entry.reports.length, 0);
  }

  private async fileNames(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((name) => NAME.test(name)).sort();
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  }

  private async cleanLeftovers(now: Date, maxAgeMs: number): Promise<void> {
    const candidates: { path: string; maxAge: number }[] = [];
    for (const name of await readdirOrEmpty(this.dir)) {
      if (name.startsWith(TMP_PREFIX)) candidates.push({ path: join(this.dir, name), maxAge: TMP_STALE_MS });
    }
    const setAsideDir = join(this.dir, SET_ASIDE_DIR);
    for (const name of await readdirOrEmpty(setAsideDir)) {
      candidates.push({ path: join(setAsideDir, name), maxAge: maxAgeMs });
    }
    for (const candidate of candidates) {
      try {
        const info = await stat(candidate.path);
        if (now.getTime() - info.mtimeMs > candidate.maxAge) await unlink(candidate.path);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  }
}

function parseSpoolFile(text: string): WireReport[] | null {
  try {
    const parsed = JSON.parse(text) as { version?: unknown; reports?: unknown } | null;
    if (!parsed || parsed.version !== 1 || !Array.isArray(parsed.reports) || parsed.reports.length === 0) return null;
    return parsed.reports.every(isWireReport) ? parsed.reports : null;
  } catch {
    return null;
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}
