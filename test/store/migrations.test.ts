import { describe, expect, it } from 'vitest';
import { loadMigrations, splitSqlStatements } from '../../src/store/migrations.js';

describe('migration files', () => {
  it('splits at semicolons that end a line, ignoring comment lines and blank statements', () => {
    const text = [
      '-- a comment that ends with a semicolon;',
      'CREATE TABLE a (x INT);',
      'INSERT INTO a VALUES (1), -- trailing comment is fine',
      '  (2);   ',
      '',
      "INSERT INTO b VALUES ('semi;colon inside a line')",
      ';',
      '-- only a comment at the end',
    ].join('\n');
    expect(splitSqlStatements(text)).toEqual([
      'CREATE TABLE a (x INT)',
      'INSERT INTO a VALUES (1), -- trailing comment is fine\n  (2)',
      "INSERT INTO b VALUES ('semi;colon inside a line')",
    ]);
  });

  it.each(['sqlite', 'mysql'] as const)('ships the same versions for %s, in order, each with statements', async (dialect) => {
    const migrations = await loadMigrations(dialect);
    expect(migrations.map((migration) => `${migration.version}_${migration.name}`)).toEqual([
      '001_schema',
      '002_seed_check_types',
      '003_notifications_by_channel',
      '004_alert_values',
      '005_lease_holder_outbox_claims',
      '006_registration_tokens',
    ]);
    for (const migration of migrations) expect(migration.statements.length).toBeGreaterThan(0);
  });

  it('keeps query-time functions out of the schema: times come from the application', async () => {
    for (const dialect of ['sqlite', 'mysql'] as const) {
      const text = (await loadMigrations(dialect)).flatMap((migration) => migration.statements).join('\n');
      expect(text).not.toMatch(/NOW\(\)|CURRENT_TIMESTAMP|UTC_TIMESTAMP|datetime\('now'\)/i);
      expect(text).not.toMatch(/\bFOREIGN KEY\b|\bREFERENCES\b|\bCREATE TRIGGER\b|\bPROCEDURE\b/i);
    }
  });
});
