// Spool files hold reports in their wire form (the JSON the server takes), so a flush sends them
// as they are. Reading them back must not trust the disk: a file from an older version or a damaged
// one is recognised and set aside, never sent half-understood.

import type { WireReport } from '../reports/report.js';

const NUMBER_FIELDS = ['cpu_pct', 'mem_pct', 'disk_pct', 'load_1', 'files_count'] as const;
const STRING_FIELDS = ['dataset_name', 'partition_key'] as const;
const TIME_FIELDS = ['first_event_at', 'last_event_at'] as const;

/** True when `value` has the shape of a wire report (types only; the server validates ranges). */
export function isWireReport(value: unknown): value is WireReport {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  if (typeof record.host_name !== 'string' || !isTime(record.collected_at)) return false;
  for (const field of NUMBER_FIELDS) {
    const v = record[field];
    if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isFinite(v))) return false;
  }
  for (const field of STRING_FIELDS) {
    const v = record[field];
    if (v !== undefined && v !== null && typeof v !== 'string') return false;
  }
  for (const field of TIME_FIELDS) {
    const v = record[field];
    if (v !== undefined && v !== null && !isTime(v)) return false;
  }
  return true;
}

function isTime(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}
