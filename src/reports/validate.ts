// Strict validation of report bodies as they arrive over HTTP (or from any other untrusted source).
// Everything a report may carry is checked here, once, so the store only ever sees sane rows: a bad
// body is refused whole with one message naming the field ("reports[3].cpu_pct: ..."), and nothing
// of it is written.

import { MonitorError } from '../errors.js';
import type { Report } from './report.js';
import { HOST_NAME_PATTERN, HOST_NAME_RULE } from '../hosts/host-name.js';
import { parseZonedTime } from '../time/zoned-time.js';

/** A body or report that breaks the rules. `field` is the path named in the message, e.g. `reports[3].cpu_pct`. */
export class InvalidReportError extends MonitorError {
  readonly exitCode = 2 as const;
  readonly field: string;

  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.field = field;
  }
}

const MAX_REPORTS_PER_REQUEST = 1000;
/** Agents' clocks drift; more than this ahead of the server is a broken clock, not drift. */
const MAX_FUTURE_MS = 5 * 60_000;
/** A spool is bounded by days, not years: anything older is a broken clock or garbage. */
const MAX_AGE_MS = 366 * 86_400_000;
/** VARCHAR(191): the longest string that still fits a utf8mb4 unique index on old MySQL. */
const MAX_NAME_LENGTH = 191;

const DATASET_NAME = /^[A-Za-z0-9._:/-]+$/;
// Control characters (and DEL) have no business in a partition key and break logs and terminals.
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const MAX_FILES_COUNT = 2_147_483_647; // INT column
/**
 * A load average above this is a broken agent or an attack, not a machine: even 10,000 cores each
 * with 100 runnable tasks stay below it. Without a bound, 1e308 is stored and sums to Infinity.
 */
export const MAX_LOAD = 1_000_000;

const METRIC_FIELDS = ['cpu_pct', 'mem_pct', 'disk_pct', 'load_1'] as const;
const PIPELINE_DETAIL_FIELDS = ['partition_key', 'files_count', 'first_event_at', 'last_event_at'] as const;
const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'host_name',
  'collected_at',
  ...METRIC_FIELDS,
  'dataset_name',
  ...PIPELINE_DETAIL_FIELDS,
]);

/**
 * Parses a request body that is one report object or `{"reports": [...]}` holding 1..1000 of them.
 * `json` is the result of JSON.parse; `now` is the server's time, for the future/age limits.
 * Throws InvalidReportError naming the first bad field.
 */
export function parseReportsBody(json: unknown, now: Date): Report[] {
  if (!isPlainObject(json)) {
    throw new InvalidReportError('body', `must be a JSON object (one report or {"reports": [...]}), got ${describe(json)}`);
  }
  if (!Object.hasOwn(json, 'reports')) return [parseReport(json, '', now)];

  for (const key of Object.keys(json)) {
    if (key !== 'reports') throw new InvalidReportError(fieldName('', key), 'unknown field next to "reports"');
  }
  const list = json.reports;
  if (!Array.isArray(list)) throw new InvalidReportError('reports', `must be an array of reports, got ${describe(list)}`);
  if (list.length === 0) throw new InvalidReportError('reports', 'must hold at least one report, got an empty array');
  if (list.length > MAX_REPORTS_PER_REQUEST) {
    throw new InvalidReportError('reports', `must hold at most ${MAX_REPORTS_PER_REQUEST} reports per request, got ${list.length}`);
  }
  return list.map((item, index) => parseReport(item, `reports[${index}]`, now));
}

/** Validates one wire report (see WireReport in report.ts). `path` prefixes field names in messages. */
export function parseReport(value: unknown, path: string, now: Date): Report {
  const where = path === '' ? 'report' : path;
  if (!isPlainObject(value)) throw new InvalidReportError(where, `must be a JSON object, got ${describe(value)}`);
  for (const key of Object.keys(value)) {
    if (!KNOWN_FIELDS.has(key)) {
      throw new InvalidReportError(fieldName(path, key), `unknown field (known: ${[...KNOWN_FIELDS].join(', ')})`);
    }
  }
  // Field names for messages are built only when a message is: this runs for every report ingested.
  const present = (name: string): boolean => value[name] !== undefined && value[name] !== null;

  const hostName = requiredName(value.host_name, path, 'host_name', HOST_NAME_PATTERN, HOST_NAME_RULE);
  const collectedAt = requiredTime(value.collected_at, path, 'collected_at');
  const ahead = collectedAt.getTime() - now.getTime();
  if (ahead > MAX_FUTURE_MS) {
    throw new InvalidReportError(
      fieldName(path, 'collected_at'),
      `must not be more than 5 minutes ahead of the server's clock (${now.toISOString()}), got ${value.collected_at as string}`,
    );
  }
  if (-ahead > MAX_AGE_MS) {
    throw new InvalidReportError(fieldName(path, 'collected_at'), `must be within the last year, got ${value.collected_at as string}`);
  }

  const report: Report = {
    hostName,
    collectedAt,
    cpuPct: percentage(value.cpu_pct, path, 'cpu_pct'),
    memPct: percentage(value.mem_pct, path, 'mem_pct'),
    diskPct: percentage(value.disk_pct, path, 'disk_pct'),
    load1: load(value.load_1, path, 'load_1'),
    datasetName: present('dataset_name')
      ? requiredName(value.dataset_name, path, 'dataset_name', DATASET_NAME, 'letters, digits, ".", "_", ":", "/" and "-"')
      : null,
    partitionKey: partitionKey(value.partition_key, path, 'partition_key'),
    filesCount: filesCount(value.files_count, path, 'files_count'),
    firstEventAt: present('first_event_at') ? requiredTime(value.first_event_at, path, 'first_event_at') : null,
    lastEventAt: present('last_event_at') ? requiredTime(value.last_event_at, path, 'last_event_at') : null,
  };

  if (report.datasetName === null) {
    const stray = PIPELINE_DETAIL_FIELDS.find(present);
    if (stray) throw new InvalidReportError(fieldName(path, stray), 'is a pipeline fact and needs dataset_name');
    if (!METRIC_FIELDS.some(present)) {
      throw new InvalidReportError(where, `must carry at least one of ${METRIC_FIELDS.join(', ')} or dataset_name`);
    }
  }
  if (report.firstEventAt && report.lastEventAt && report.firstEventAt > report.lastEventAt) {
    throw new InvalidReportError(fieldName(path, 'first_event_at'), 'must not be after last_event_at');
  }
  return report;
}

function requiredName(value: unknown, path: string, name: string, pattern: RegExp, allowed: string): string {
  if (typeof value === 'string' && value.length > 0 && value.length <= MAX_NAME_LENGTH && pattern.test(value)) return value;
  const field = fieldName(path, name);
  if (value === undefined || value === null) throw new InvalidReportError(field, 'is required');
  if (typeof value !== 'string') throw new InvalidReportError(field, `must be a string, got ${describe(value)}`);
  if (value.length === 0) throw new InvalidReportError(field, 'must not be empty');
  if (value.length > MAX_NAME_LENGTH) {
    throw new InvalidReportError(field, `must be at most ${MAX_NAME_LENGTH} characters, got ${value.length}`);
  }
  throw new InvalidReportError(field, `may only hold ${allowed}, got ${describe(value)}`);
}

function requiredTime(value: unknown, path: string, name: string): Date {
  const time = typeof value === 'string' ? parseZonedTime(value) : null;
  if (time) return time;
  const field = fieldName(path, name);
  if (value === undefined || value === null) throw new InvalidReportError(field, 'is required');
  throw new InvalidReportError(field, `must be an ISO-8601 time with a zone, e.g. 2024-05-01T12:00:00Z, got ${describe(value)}`);
}

function percentage(value: unknown, path: string, name: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new InvalidReportError(fieldName(path, name), `must be a number from 0 to 100, got ${describe(value)}`);
  }
  return value;
}

function load(value: unknown, path: string, name: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidReportError(fieldName(path, name), `must be a number of 0 or more, got ${describe(value)}`);
  }
  if (value > MAX_LOAD) throw new InvalidReportError(fieldName(path, name), `must be at most ${MAX_LOAD}, got ${describe(value)}`);
  return value;
}

function partitionKey(value: unknown, path: string, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new InvalidReportError(fieldName(path, name), `must be a string, got ${describe(value)}`);
  if (value.length === 0 || value.length > MAX_NAME_LENGTH) {
    throw new InvalidReportError(fieldName(path, name), `must be 1 to ${MAX_NAME_LENGTH} characters, got ${value.length}`);
  }
  if (CONTROL_CHARS.test(value)) throw new InvalidReportError(fieldName(path, name), 'must not contain control characters');
  return value;
}

function filesCount(value: unknown, path: string, name: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_FILES_COUNT) {
    throw new InvalidReportError(fieldName(path, name), `must be a whole number from 0 to ${MAX_FILES_COUNT}, got ${describe(value)}`);
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldName(path: string, key: string): string {
  // Keys come from the client: quote anything that is not a plain identifier so the message stays one readable line.
  const shown = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key) ? key : JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key);
  return path === '' ? shown : `${path}.${shown}`;
}

/** The value as it appears in a message: short, one line, its type clear. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'a number too large';
    case 'boolean':
      return `${value} (a boolean)`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
