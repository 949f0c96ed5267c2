// Times in tables: the local zone (TZ) and, where it helps, the age. JSON carries ISO-8601 UTC instead.
// The zone comes from the command's environment (ctx.env.TZ), not from the process: a command run
// in-process with an injected environment shows the times its user would see.

import { formatAge } from '../time/duration.js';

const two = (n: number): string => String(n).padStart(2, '0');

const zoneFormats = new Map<string, Intl.DateTimeFormat | null>();

/** A formatter for an IANA zone name, or null when Intl does not know it (e.g. a POSIX TZ string). */
function zoneFormat(timeZone: string): Intl.DateTimeFormat | null {
  if (!zoneFormats.has(timeZone)) {
    let format: Intl.DateTimeFormat | null = null;
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      format = null;
    }
    zoneFormats.set(timeZone, format);
  }
  return zoneFormats.get(timeZone)!;
}

/**
 * "2026-11-29 15:34:12" in `timeZone` (the command's TZ). Without one, or with one Intl cannot read,
 * the process's own zone — which is what the C library makes of that same TZ in a real run.
 */
export function formatLocalTime(date: Date, timeZone?: string): string {
  const format = timeZone ? zoneFormat(timeZone.replace(/^:/, '')) : null;
  if (format) {
    const part = Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
    return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`;
  }
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(
    date.getMinutes(),
  )}:${two(date.getSeconds())}`;
}

/** "2026-11-29 10:04:12 (3m ago)", or "never". */
export function formatTimeWithAge(date: Date | null, now: Date, timeZone?: string): string {
  if (!date) return 'never';
  return `${formatLocalTime(date, timeZone)} (${formatAge(date, now)})`;
}

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}
