// Pipeline facts: what a data pipeline's cron job says about the dataset it just produced
// (`monitor collect --dataset NAME --partition KEY --files N --first-event T --last-event T`).
// They ride on the host's metrics report, or make a report of their own when metrics are off.

import { UsageError } from '../errors.js';
import { parseTypedZonedTime } from '../time/zoned-time.js';
import type { Report } from '../reports/report.js';

export interface PipelineFacts {
  datasetName: string;
  partitionKey: string | null;
  filesCount: number | null;
  firstEventAt: Date | null;
  lastEventAt: Date | null;
}

/** The flags as commander hands them over: strings, or undefined when not given. */
export interface PipelineFlags {
  dataset?: string | undefined;
  partition?: string | undefined;
  files?: string | undefined;
  firstEvent?: string | undefined;
  lastEvent?: string | undefined;
}

/** Validates the flags; null when none was given. Throws UsageError naming the flag. */
export function parsePipelineFlags(flags: PipelineFlags): PipelineFacts | null {
  const given = [flags.dataset, flags.partition, flags.files, flags.firstEvent, flags.lastEvent].some((v) => v !== undefined);
  if (!given) return null;
  const datasetName = flags.dataset?.trim() ?? '';
  if (datasetName === '') {
    // The dataset is part of the stored report's key: facts without it could not be told apart.
    throw new UsageError('--dataset NAME is required with --partition, --files, --first-event and --last-event', {
      hint: 'e.g. monitor collect --dataset orders --partition 2024-06-01 --files 24',
    });
  }
  let filesCount: number | null = null;
  if (flags.files !== undefined) {
    const text = flags.files.trim();
    filesCount = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(filesCount)) throw new UsageError(`--files must be a whole number >= 0, got "${flags.files}"`);
  }
  const firstEventAt = parseEventTime('--first-event', flags.firstEvent);
  const lastEventAt = parseEventTime('--last-event', flags.lastEvent);
  if (firstEventAt && lastEventAt && firstEventAt > lastEventAt) {
    throw new UsageError('--first-event is after --last-event', { hint: 'swap them, or check the time zones' });
  }
  const partitionKey = flags.partition === undefined || flags.partition.trim() === '' ? null : flags.partition.trim();
  return { datasetName, partitionKey, filesCount, firstEventAt, lastEventAt };
}

function parseEventTime(flag: string, text: string | undefined): Date | null {
  if (text === undefined) return null;
  const time = parseTypedZonedTime(text);
  if (time === null) {
    throw new UsageError(`${flag} must be an ISO-8601 time with a zone, got "${text}"`, {
      hint: 'e.g. 2024-06-01T13:45:00Z or 2024-06-01T15:45:00+02:00',
    });
  }
  return time;
}

/** The report with the facts added (a copy; the report passed in is not changed). */
export function withPipelineFacts(report: Report, facts: PipelineFacts | null): Report {
  if (!facts) return report;
  return { ...report, ...facts };
}

/** A report carrying only pipeline facts: metrics stay null (the server accepts them absent). */
export function pipelineOnlyReport(hostName: string, now: Date, facts: PipelineFacts): Report {
  return {
    hostName,
    collectedAt: now,
    cpuPct: null,
    memPct: null,
    diskPct: null,
    load1: null,
    ...facts,
  };
}
