// Times with a zone, as reports carry them and as people type them on the command line.

const ZONED_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * ISO-8601 date-time WITH a zone (Z or ±hh:mm), e.g. 2024-05-01T12:00:00.123Z; null when it is not
 * one or names an impossible date. Without a zone a time is ambiguous, so it is refused, not guessed.
 */
export function parseZonedTime(text: string): Date | null {
  const m = ZONED_TIME.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (year < 1970 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!)) return null;
  let offsetMinutes = 0;
  const zone = m[8]!;
  if (zone !== 'Z') {
    const offH = Number(zone.slice(1, 3));
    const offM = Number(zone.slice(4, 6));
    if (offH > 23 || offM > 59) return null;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (offH * 60 + offM);
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000);
}

/**
 * A time typed on the command line: parseZonedTime, also taking what people type for the same
 * thing — a space for the T, lower-case t/z, an offset without its colon (+0200).
 */
export function parseTypedZonedTime(text: string): Date | null {
  const normalised = text
    .trim()
    .replace(/^(\d{4}-\d{2}-\d{2})[ tT]/, '$1T')
    .replace(/z$/, 'Z')
    .replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  return parseZonedTime(normalised);
}
