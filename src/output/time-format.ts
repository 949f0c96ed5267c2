// Times in tables: the local zone (TZ) and, where it helps, the age. JSON carries ISO-8601 UTC instead.

import { formatAge } from '../time/duration.js';

const two = (n: number): string => String(n).padStart(2, '0');

export function formatLocalTime(date: Date): string {
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(
    date.getMinutes(),
  )}:${two(date.getSeconds())}`;
}

/** "2026-11-29 10:04:12 (3m ago)", or "never". */
export function formatTimeWithAge(date: Date | null, now: Date): string {
  if (!date) return 'never';
  return `${formatLocalTime(date)} (${formatAge(date, now)})`;
}

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}
