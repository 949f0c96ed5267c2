// One scenario, two databases, for the `monitor check` tests: each test gets a fresh HOME with its
// own monitor.yaml (MONITOR_CONFIG) and a database of its own — a SQLite file, or a MariaDB database
// that the first command creates — named by MONITOR_DATABASE_URL, as a user would. Commands run
// in-process with an injected clock (`cli`) or as real processes (`spawn`); tests read the tables
// with plain SQL on their own connection, never through the code under test.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe } from 'vitest';
import { openStore } from '../../../src/store/open-store.js';
import type { Store } from '../../../src/store/store.js';
import { runCli, spawnCli, type CliOptions, type CliResult } from '../../support/cli.js';
import { describeMysql, type MysqlSuiteDatabase } from '../../support/mysql.js';
import { freshPerTest } from '../../support/temp-dir.js';
import { mysqlRows, sqliteRows, type SqlParam } from '../../support/raw-sql.js';
import { databaseConfig } from '../../support/database-config.js';

export type { SqlParam } from '../../support/raw-sql.js';

export interface CheckBackend {
  readonly kind: 'sqlite' | 'mysql';
  readonly home: string;
  /** The database URL every command and the ingest server use. */
  readonly url: string;
  /** HOME/monitor.yaml, named by MONITOR_CONFIG. */
  readonly configPath: string;
  /** Replaces monitor.yaml. */
  writeConfig(yaml: string): Promise<void>;
  /** `monitor …` in-process. */
  cli(argv: string[], options?: Omit<Partial<CliOptions>, 'home'>): Promise<CliResult>;
  /** `monitor …` as a child process (bin/monitor on the compiled dist/). */
  spawn(argv: string[], options?: Omit<Partial<CliOptions>, 'home' | 'now'>): Promise<CliResult & { ms: number }>;
  /** Plain SQL on a separate connection; times and JSON come back as the stored text. */
  sql<T = Record<string, unknown>>(text: string, params?: SqlParam[]): Promise<T[]>;
  /** The store opened directly (the ingest server's), closed by the caller. */
  openStore(): Promise<Store>;
}

function makeBackend(kind: 'sqlite' | 'mysql', home: string, url: string): CheckBackend {
  const configPath = join(home, 'monitor.yaml');
  const env = { MONITOR_DATABASE_URL: url, MONITOR_CONFIG: configPath };
  const sqliteFile = url.slice('sqlite:'.length);
  return {
    kind,
    home,
    url,
    configPath,
    writeConfig: (yaml) => writeFile(configPath, yaml),
    cli: (argv, options = {}) => runCli(argv, { ...options, home, env: { ...env, ...options.env } }),
    spawn: (argv, options = {}) => spawnCli(argv, { ...options, home, env: { ...env, ...options.env } }),
    sql: async <T>(text: string, params: SqlParam[] = []): Promise<T[]> =>
      kind === 'sqlite' ? sqliteRows<T>(sqliteFile, text, params) : mysqlRows<T>(url, text, params),
    openStore: () => openStore(databaseConfig(url, { poolSize: 4 })),
  };
}

/**
 * Registers `scenario` twice: on SQLite and on MariaDB (skipped loudly, or failed under CI, when
 * MariaDB is unreachable — see test/support/mysql.ts). Every test gets a fresh backend whose
 * monitor.yaml holds `initialConfig`.
 */
export function eachCheckBackend(title: string, scenario: (backend: () => CheckBackend) => void, initialConfig = '# test config\n'): void {
  const fresh = (make: (home: string) => CheckBackend): (() => CheckBackend) =>
    freshPerTest('monitor-check-', async (home) => {
      const backend = make(home);
      await backend.writeConfig(initialConfig);
      return backend;
    });
  describe(`${title} — SQLite`, () => {
    scenario(fresh((home) => makeBackend('sqlite', home, `sqlite:${join(home, 'monitor.db')}`)));
  });
  describeMysql(`${title} — MariaDB`, (db: MysqlSuiteDatabase) => {
    scenario(fresh((home) => makeBackend('mysql', home, db.reserve('check').url)));
  });
}
