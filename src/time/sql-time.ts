// Every time is stored as UTC text with milliseconds, 'YYYY-MM-DD HH:MM:SS.mmm', in both dialects:
// DATETIME(3) on MySQL/MariaDB, TEXT on SQLite. The application computes times and passes them as
// parameters, so no query depends on the server's time zone or on dialect date functions.

export function toSqlTime(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}

const digit = (text: string, at: number): number => text.charCodeAt(at) - 48;
const digits2 = (text: string, at: number): number => digit(text, at) * 10 + digit(text, at + 1);

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/**
 * Parses what the drivers hand back (with dateStrings on for mysql2): 'YYYY-MM-DD HH:MM:SS[.fff]'.
 * By character codes, not Date.parse: `monitor check` reads ~100k times per run.
 */
export function fromSqlTime(text: string): Date {
  return new Date(msFromSqlTime(text));
}

/** fromSqlTime as epoch milliseconds, without making a Date. */
export function msFromSqlTime(text: string): number {
  const days = daysFromCivil(digits2(text, 0) * 100 + digits2(text, 2), digits2(text, 5), digits2(text, 8));
  let ms = 0;
  for (let i = 20, scale = 100; i < 23 && i < text.length; i++, scale /= 10) ms += digit(text, i) * scale;
  return ((days * 24 + digits2(text, 11)) * 60 + digits2(text, 14)) * 60_000 + digits2(text, 17) * 1000 + ms;
}
