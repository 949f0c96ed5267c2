// Parsers for option values, so a bad value is a usage error (exit 2) that names the option.

import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../time/duration.js';
import { parseMoment, type Moment } from '../time/moment.js';

export function durationOption(value: string): number {
  const ms = parseDuration(value);
  if (ms === null) throw new InvalidArgumentError(`expected a duration like 30m, 24h or 7d, got '${value}'`);
  return ms;
}

export function positiveIntOption(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got '${value}'`);
  return Number(value);
}

/** ISO-8601 with a zone, or a duration meaning "that long ago" (e.g. --at 2h). */
export function momentOption(value: string): Moment {
  const moment = parseMoment(value);
  if (moment === null) throw new InvalidArgumentError(`expected an ISO-8601 time with a zone (2026-11-29T10:00:00Z) or an age like 2h, got '${value}'`);
  return moment;
}

export function repeatable(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function alertIdArgument(value: string): number {
  if (!/^#?\d+$/.test(value)) throw new InvalidArgumentError(`expected an alert id like 15, got '${value}'`);
  return Number(value.replace('#', ''));
}
