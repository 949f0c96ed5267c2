// Row values as both drivers hand them back (mysql2 with dateStrings and jsonStrings, better-sqlite3
// defaults) turned into domain values, and domain values turned into parameters. Nothing above the
// store sees a driver row.

import { fromSqlTime, toSqlTime } from '../../time/sql-time.js';
import type { SqlValue } from './driver.js';

export type Row = Record<string, unknown>;

export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function numOrNull(value: unknown): number | null {
  return value == null ? null : num(value);
}

export function str(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

export function strOrNull(value: unknown): string | null {
  return value == null ? null : str(value);
}

export function time(value: unknown): Date {
  return fromSqlTime(str(value));
}

export function timeOrNull(value: unknown): Date | null {
  return value == null ? null : fromSqlTime(str(value));
}

export function bool(value: unknown): boolean {
  return value === 1 || value === true || value === '1';
}

/** JSON columns: text on SQLite and MariaDB, and on MySQL too with jsonStrings. */
export function jsonObject(value: unknown): Record<string, unknown> {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

export function sqlTime(date: Date): string {
  return toSqlTime(date);
}

export function sqlTimeOrNull(date: Date | null): string | null {
  return date === null ? null : toSqlTime(date);
}

export function sqlBool(value: boolean): number {
  return value ? 1 : 0;
}

export function sqlJson(value: Record<string, unknown>): string {
  return JSON.stringify(value);
}

/** Splits rows into chunks so one statement stays under the driver's parameter limit. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Rows per multi-row statement: at most `maxRows`, and within the bind-parameter limit. */
export function rowsPerStatement(columnCount: number, maxParams: number, maxRows: number): number {
  return Math.max(1, Math.min(maxRows, Math.floor(maxParams / columnCount)));
}

export type { SqlValue };
