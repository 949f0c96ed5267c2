// Versioned schema migrations: sql/<dialect>/NNN_name.sql, applied in order and recorded in
// schema_migrations(version, applied_at). Statements are split at semicolons that end a line (no
// procedures, so that is enough); comment lines are dropped first so a semicolon in prose cannot split.

import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { UnavailableError } from '../errors.js';
import type { SqlDriver } from './sql/driver.js';
import { sqlTime, str } from './sql/rows.js';
import type { Dialect } from './store.js';

/** At runtime this code is in a chunk of dist/bundle/ (or tsc's dist/store/migrations.js), in tests src/store/migrations.ts: all two levels below the root, beside sql/. */
const SQL_DIR = new URL('../../sql/', import.meta.url);
const FILE_NAME = /^(\d+)_([\w-]+)\.sql$/;

export interface Migration {
  /** The file's number as written, e.g. "001". */
  version: string;
  name: string;
  statements: string[];
}

/** The database schema is older than this monitor needs (or could not be checked): exit 1. */
export class SchemaVersionError extends UnavailableError {}

export function splitSqlStatements(text: string): string[] {
  const withoutComments = text
    .split('\n')
    .filter((line) => !/^\s*--/.test(line))
    .join('\n');
  return withoutComments
    .split(/;[ \t\r]*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

export async function loadMigrations(dialect: Dialect, sqlDir: URL = SQL_DIR): Promise<Migration[]> {
  const dir = new URL(`${dialect}/`, sqlDir);
  let files: string[];
  try {
    files = await readdir(dir);
  } catch (error) {
    throw new UnavailableError(`cannot read the schema files in ${fileURLToPath(dir)}`, {
      hint: 'the sql/ folder ships with monitor; reinstall it',
      cause: error,
    });
  }
  const migrations: Migration[] = [];
  for (const file of files.sort()) {
    const match = FILE_NAME.exec(file);
    if (!match) continue;
    const text = await readFile(new URL(file, dir), 'utf8');
    migrations.push({ version: match[1]!, name: match[2]!, statements: splitSqlStatements(text) });
  }
  return migrations;
}

/** Versions recorded in schema_migrations, oldest first; empty when the table does not exist yet. */
async function appliedVersions(db: SqlDriver): Promise<string[]> {
  if ((await db.all(db.syntax.tableExists, ['schema_migrations'])).length === 0) return [];
  const rows = await db.all('SELECT version FROM schema_migrations ORDER BY version');
  return rows.map((row) => str(row.version));
}

export interface SchemaStatus {
  applied: string[];
  pending: Migration[];
}

export async function schemaStatus(db: SqlDriver, migrations: readonly Migration[]): Promise<SchemaStatus> {
  const applied = await appliedVersions(db);
  const done = new Set(applied);
  return { applied, pending: migrations.filter((migration) => !done.has(migration.version)) };
}

/**
 * Applies what is pending and returns the versions this call recorded. Every statement is
 * idempotent — IF NOT EXISTS, seeds that skip existing rows, and index changes whose "already
 * done" error is ignored (syntax.ddlAlreadyApplied) — so a second migrator racing on a fresh MySQL
 * schema (where DDL commits at once) does no harm; on SQLite the caller holds an immediate transaction.
 */
export async function applyMigrations(db: SqlDriver, migrations: readonly Migration[], now: Date): Promise<string[]> {
  await db.exec(db.syntax.createMigrationsTable);
  const { pending } = await schemaStatus(db, migrations);
  const recorded: string[] = [];
  for (const migration of pending) {
    for (const statement of migration.statements) {
      try {
        await db.exec(statement);
      } catch (error) {
        if (!db.syntax.ddlAlreadyApplied(error)) throw error;
      }
    }
    const record = db.syntax.insertIgnore('schema_migrations', ['version', 'applied_at'], 1, ['version']);
    if ((await db.run(record, [migration.version, sqlTime(now)])).affectedRows === 1) recorded.push(migration.version);
  }
  return recorded;
}

/** "schema is at 001, this monitor needs 002: run `monitor db migrate`" */
export function schemaBehindError(applied: readonly string[], migrations: readonly Migration[], location: string): SchemaVersionError {
  const current = applied[applied.length - 1] ?? 'none';
  const needed = migrations[migrations.length - 1]?.version ?? 'none';
  return new SchemaVersionError(`the database schema of ${location} is at ${current}, this monitor needs ${needed}`, {
    hint: 'run `monitor db migrate`',
  });
}
