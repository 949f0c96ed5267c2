// Every time is stored as UTC text with milliseconds, 'YYYY-MM-DD HH:MM:SS.mmm', in both dialects:
// DATETIME(3) on MySQL/MariaDB, TEXT on SQLite. The application computes times and passes them as
// parameters, so no query depends on the server's time zone or on dialect date functions.

export function toSqlTime(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}

/** Parses what the drivers hand back (with dateStrings on for mysql2). */
export function fromSqlTime(text: string): Date {
  // 'YYYY-MM-DD HH:MM:SS[.fff]' — parse fields by position: much faster than Date parsing on hot paths.
  const ms = text.length > 20 ? Number(text.slice(20, 23).padEnd(3, '0')) : 0;
  return new Date(
    Date.UTC(
      Number(text.slice(0, 4)),
      Number(text.slice(5, 7)) - 1,
      Number(text.slice(8, 10)),
      Number(text.slice(11, 13)),
      Number(text.slice(14, 16)),
      Number(text.slice(17, 19)),
      ms,
    ),
  );
}

export function fromSqlTimeOrNull(text: string | null | undefined): Date | null {
  return text == null ? null : fromSqlTime(text);
}
