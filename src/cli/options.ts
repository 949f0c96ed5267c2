// Parsers for option values, so a bad value is a usage error (exit 2) that names the option.

import { InvalidArgumentError } from '@commander-js/extra-typings';
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
  if (moment === null)
    throw new InvalidArgumentError(`expected an ISO-8601 time with a zone (2026-11-29T10:00:00Z) or an age like 2h, got '${value}'`);
  return moment;
}

export function repeatable(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function alertIdArgument(value: string): number {
  if (!/^#?\d+$/.test(value)) throw new InvalidArgumentError(`expected an alert id like 15, got '${value}'`);
  return Number(value.replace('#', ''));
}

/**
 * The parsed options with every declared key present (undefined when not given). The same object at
 * run time; the type makes each key required, so it only fits a command's options type that names
 * exactly the flags declared.
 */
export function declared<Options extends object>(opts: Options): EveryKey<Options> {
  return opts;
}

// Not written [Key in keyof Options]: that form copies each key's `?`; this one makes every key required.
type EveryKey<Options> = { [Key in keyof Required<Options>]: Options[Key] };
