// A moment as people give it on the command line: an absolute time with a zone, or "that long before
// now" (resolved later, with the command's clock).

import { parseDuration } from './duration.js';
import { parseTypedZonedTime } from './zoned-time.js';

export type Moment = { at: Date } | { agoMs: number };

/** ISO-8601 with a zone, or a duration meaning "that long ago" (e.g. 2h); null when it is neither. */
export function parseMoment(value: string): Moment | null {
  const ms = parseDuration(value);
  if (ms !== null) return { agoMs: ms };
  const at = parseTypedZonedTime(value);
  return at === null ? null : { at };
}

export function resolveMoment(moment: Moment, now: Date): Date {
  return 'at' in moment ? moment.at : new Date(now.getTime() - moment.agoMs);
}
