// A throwaway MariaDB server of the test's own, for what the shared test server cannot show: TLS.
// Its data directory, a CA and a server certificate (made with openssl) live in one temp dir; it
// listens on a free port of 127.0.0.1 and starts in about a second. It needs mariadb-install-db,
// mariadbd and openssl, and root (mariadbd runs as the `mysql` user), as on this project's machines
// and CI. Without them the suites are skipped with a loud notice, unless CI=true or
// MONITOR_REQUIRE_MYSQL=1, where they fail.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { describe } from 'vitest';
import { requireOrSkip } from './mysql.js';
import { makeTestCa } from './certificates.js';
import { closedPort } from './network.js';

const run = promisify(execFile);
const INSTALL_DB = '/usr/bin/mariadb-install-db';
const MARIADBD = '/usr/sbin/mariadbd';
const OPENSSL = '/usr/bin/openssl';
/** The account the tests connect as, over TCP, with a password. */
export const TLS_TEST_USER = { user: 'monitor_tls', password: 'tls-test-password' };

function unavailableReason(): string | null {
  for (const file of [INSTALL_DB, MARIADBD, OPENSSL]) if (!existsSync(file)) return `${file} is not installed`;
  if (process.getuid?.() !== 0) return `it must run as root to start mariadbd as the mysql user (running as ${userInfo().username})`;
  return null;
}

export interface ThrowawayMariadb {
  readonly port: number;
  /** PEM of the CA that signed the server's certificate (for ?ssl-ca=). */
  readonly caPath: string;
  /** mysql://monitor_tls:…@HOST:PORT/DATABASE plus `query` (e.g. 'ssl=true'); HOST 127.0.0.1 or a name for it. */
  url(database: string, query?: string, host?: string): string;
  /** TLS handshakes the server has accepted so far (its global Ssl_accepts), read over its socket. */
  tlsAccepts(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts a private MariaDB; with `tls`, it offers TLS with a certificate for `certificateNames`
 * (default localhost and 127.0.0.1, the address it listens on).
 */
export async function startThrowawayMariadb(options: { tls: boolean; certificateNames?: string[] }): Promise<ThrowawayMariadb> {
  const dir = await mkdtemp(join(tmpdir(), 'monitor-mariadb-'));
  let server: ChildProcess | null = null;
  const close = async (): Promise<void> => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const ca = join(dir, 'ca.pem');
    if (options.tls) await (await makeTestCa(dir, 'monitor test CA', options.certificateNames)).issue('server');
    // A temp dir of its own: a starting MariaDB clears temp tables it finds in its tmpdir, and would
    // take another instance's (the suites start several at once).
    const tmp = join(dir, 'tmp');
    await mkdir(tmp);
    // mariadbd runs as mysql: it must own its data directory and read the key.
    await run('chown', ['-R', 'mysql:mysql', dir]);
    const own = ['--no-defaults', '--user=mysql', `--datadir=${join(dir, 'data')}`, `--tmpdir=${tmp}`];
    await run(INSTALL_DB, [...own, '--auth-root-authentication-method=normal', '--skip-test-db']).catch(
      (error: Error & { stderr?: string; stdout?: string }) => {
        throw new Error(`${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`.trim());
      },
    );
    const port = await closedPort();
    const socket = join(dir, 'mysqld.sock');
    const args = [
      ...own,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${socket}`,
      `--pid-file=${join(dir, 'mysqld.pid')}`,
      '--skip-log-bin',
      '--innodb-buffer-pool-size=16M',
      ...(options.tls ? [`--ssl-ca=${ca}`, `--ssl-cert=${join(dir, 'server.pem')}`, `--ssl-key=${join(dir, 'server.key')}`] : []),
    ];
    const started = spawn(MARIADBD, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    server = started;
    // A test run that dies before its afterAll (Ctrl-C, a crash) must not leave a server behind.
    const killOnExit = (): void => void started.kill('SIGKILL');
    process.once('exit', killOnExit);
    started.once('exit', () => process.off('exit', killOnExit));
    let log = '';
    started.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    await waitForSocket(socket, started, () => log);

    // Root over the socket sets up the TCP account the tests use.
    const admin = await mysql.createConnection({ socketPath: socket, user: 'root' });
    try {
      await admin.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [TLS_TEST_USER.user, TLS_TEST_USER.password]);
      await admin.query(`GRANT ALL PRIVILEGES ON *.* TO ?@'%'`, [TLS_TEST_USER.user]);
    } finally {
      await admin.end();
    }
    return {
      port,
      caPath: ca,
      url: (database, query, host = '127.0.0.1') =>
        `mysql://${TLS_TEST_USER.user}:${TLS_TEST_USER.password}@${host}:${port}/${database}${query ? `?${query}` : ''}`,
      async tlsAccepts() {
        const connection = await mysql.createConnection({ socketPath: socket, user: 'root' });
        try {
          const [rows] = await connection.query<mysql.RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Ssl_accepts'");
          return Number(rows[0]!.Value);
        } finally {
          await connection.end();
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function waitForSocket(socket: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`mariadbd exited with ${server.exitCode}: ${log().slice(-500)}`);
    try {
      const connection = await mysql.createConnection({ socketPath: socket, user: 'root' });
      await connection.end();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`mariadbd did not answer within 15 s: ${log().slice(-500)}`);
}

/** describe() that runs only where a private MariaDB can be started (see the file comment). */
export function describeThrowawayMariadb(name: string, fn: () => void): void {
  const reason = unavailableReason();
  if (requireOrSkip(name, 'a private MariaDB server', reason === null ? null : `cannot start a private MariaDB: ${reason}`, fn))
    describe(name, fn);
}
