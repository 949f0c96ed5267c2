// Database passwords with the characters that break URLs, on a real MariaDB user: percent-encoded in
// the URL, or given apart from it (database.password, password_file, MONITOR_DATABASE_PASSWORD).
// Whatever goes wrong, the password is never printed.

import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { describeMysql, MYSQL_SERVER_URL } from '../support/mysql.js';
import { tempDir } from '../support/temp-dir.js';

const PASSWORD = `Sup3r/S3c%ret@x#y?z:${randomBytes(3).toString('hex')}`;
const USER = `mon_sec_${randomBytes(3).toString('hex')}`;

async function asRoot<T>(work: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection(MYSQL_SERVER_URL);
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

function expectNoPassword(result: { stdout: string; stderr: string }): void {
  const text = result.stdout + result.stderr;
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(encodeURIComponent(PASSWORD));
  // The tail after the first / is what a naive redaction leaks.
  expect(text).not.toMatch(/S3c%?ret/);
}

describeMysql('database passwords with / % @ # ? on MariaDB', (db) => {
  const server = new URL(MYSQL_SERVER_URL);
  const hostPort = `${server.hostname}:${server.port || '3306'}`;
  const plainUrl = () => `mysql://${USER}@${hostPort}/${db.name}`;

  beforeAll(async () => {
    await asRoot(async (connection) => {
      for (const host of ['127.0.0.1', 'localhost', '%']) {
        await connection.query('CREATE USER ?@? IDENTIFIED BY ?', [USER, host, PASSWORD]);
        await connection.query(`GRANT ALL ON ${mysql.escapeId(db.name)}.* TO ?@?`, [USER, host]);
      }
    });
  });
  afterAll(async () => {
    await asRoot(async (connection) => {
      for (const host of ['127.0.0.1', 'localhost', '%']) await connection.query('DROP USER IF EXISTS ?@?', [USER, host]);
    });
  });

  const hostsList = async (env: Record<string, string>, config?: string) => {
    const home = await tempDir('monitor-db-password-');
    if (config !== undefined) await writeFile(join(home, 'monitor.yaml'), config);
    return runCli(['hosts', 'list', '--json'], {
      home,
      env: { ...env, ...(config !== undefined ? { MONITOR_CONFIG: join(home, 'monitor.yaml') } : {}) },
    });
  };

  it('connects with the password percent-encoded in MONITOR_DATABASE_URL', async () => {
    const url = `mysql://${USER}:${encodeURIComponent(PASSWORD)}@${hostPort}/${db.name}`;
    const result = await hostsList({ MONITOR_DATABASE_URL: url });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it('connects with database.password written as it is, next to a URL without one', async () => {
    const result = await hostsList({}, `database:\n  url: ${plainUrl()}\n  password: '${PASSWORD}'\n`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('connects with database.password_file (first line, trailing newline ignored)', async () => {
    const dir = await tempDir('monitor-db-password-file-');
    const file = join(dir, 'db-password');
    await writeFile(file, `${PASSWORD}\n`, { mode: 0o600 });
    const result = await hostsList({}, `database:\n  url: ${plainUrl()}\n  password_file: ${file}\n`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('connects with MONITOR_DATABASE_PASSWORD, which wins over the password in the URL', async () => {
    const result = await hostsList({
      MONITOR_DATABASE_URL: `mysql://${USER}:wrong@${hostPort}/${db.name}`,
      MONITOR_DATABASE_PASSWORD: PASSWORD,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('connects with --database and MONITOR_DATABASE_PASSWORD, which wins there too', async () => {
    for (const url of [plainUrl(), `mysql://${USER}:wrong@${hostPort}/${db.name}`]) {
      const result = await runCli(['--database', url, 'hosts', 'list', '--json'], {
        home: await tempDir('monitor-db-password-'),
        env: { MONITOR_DATABASE_PASSWORD: PASSWORD },
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual([]);
    }
  });

  it('a wrong password: exit 1, access denied, and neither password printed', async () => {
    const result = await hostsList({ MONITOR_DATABASE_URL: plainUrl(), MONITOR_DATABASE_PASSWORD: `${PASSWORD}-wrong` });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`refused user '${USER}'`);
    expectNoPassword(result);
  });

  it.each([
    [
      'unencoded, with a % that is no escape',
      () => `mysql://${USER}:${PASSWORD}@${hostPort}/${db.name}`,
      /% that is not followed by two hex digits/,
    ],
    ['unencoded, with no database after it', () => `mysql://${USER}:${PASSWORD.replace('%', '')}@${hostPort}`, /names no database/],
  ])('a malformed URL (%s): exit 2 naming MONITOR_DATABASE_URL, the password masked', async (_, url, message) => {
    const result = await hostsList({ MONITOR_DATABASE_URL: url() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('MONITOR_DATABASE_URL');
    expectNoPassword(result);
  });

  it('a malformed URL in the config file: exit 2 naming the key and line, the password masked', async () => {
    const result = await hostsList({}, `# db\ndatabase:\n  url: 'mysql://${USER}:${PASSWORD}@${hostPort}:port/${db.name}'\n`);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/monitor\.yaml:3.*database\.url/);
    expect(result.stderr).toContain(`mysql://${USER}:***@`);
    expectNoPassword(result);
  });

  it('password and password_file together, or an unreadable password_file: exit 2 naming the key', async () => {
    const both = await hostsList({}, `database:\n  url: ${plainUrl()}\n  password: x\n  password_file: /etc/x\n`);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('database.password_file');
    expect(both.stderr).toContain('not both');
    const missing = await hostsList({}, `database:\n  url: ${plainUrl()}\n  password_file: /no/such/file\n`);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/database\.password_file.*cannot read \/no\/such\/file \(ENOENT\)/);
  });
});
