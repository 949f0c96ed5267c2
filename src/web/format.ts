// Small display helpers shared by the pages.

import { formatAge } from '../time/duration.js';

export function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${value.toFixed(value >= 99.95 || value === Math.round(value) ? 0 : 1)}%`;
}

export function num(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toFixed(2);
}

export function ago(then: Date | null, now: Date): string {
  return then === null ? 'never' : formatAge(then, now);
}

export function iso(date: Date | null): string {
  return date === null ? '' : date.toISOString();
}

/** `12:04 UTC` today, else `2026-12-05 12:04 UTC`: the server renders in UTC; the page's script localises `time[datetime]`. */
export function when(date: Date | null): string {
  if (date === null) return '—';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
