// A throwaway 3-node MariaDB Galera cluster on loopback, for the scale-out suite
// (test/e2e/galera.test.ts) and the cluster ingest benchmark (test/bench/galera-ingest.mjs). Plain
// JavaScript so the benchmark, which runs under bare node, can use it too.
//
// Each node is a `mariadbd` of its own, started like test/support/tls-mariadb.ts starts its private
// servers (--no-defaults, a temp data dir, its own --tmpdir, run as the mysql user), with Debian's
// galera-4 provider, every Galera port (gcomm, IST, SST) on 127.0.0.1, and rsync state transfer.
// Node 1 bootstraps the cluster; nodes 2 and 3 join it by SST (an rsync of node 1's data dir).
// Needs root, mariadbd, mariadb-install-db, galera-4 and rsync (`.ci/run` installs the last two).

import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';

const run = promisify(execFile);
const INSTALL_DB = '/usr/bin/mariadb-install-db';
const MARIADBD = '/usr/sbin/mariadbd';
const RSYNC = '/usr/bin/rsync';
/** Where Debian's galera-4 package puts the provider (`dpkg -L galera-4`). */
const PROVIDERS = ['/usr/lib/galera/libgalera_smm.so', '/usr/lib/libgalera_smm.so', '/usr/lib64/galera-4/libgalera_smm.so'];
export const GALERA_TEST_USER = { user: 'monitor_galera', password: 'galera-test-password' };

function provider() {
  return PROVIDERS.find((path) => existsSync(path)) ?? null;
}

/** Why a cluster cannot be started here, or null. */
export function galeraUnavailableReason() {
  for (const file of [INSTALL_DB, MARIADBD, RSYNC])
    if (!existsSync(file)) return `${file} is not installed (apt-get install mariadb-server rsync)`;
  if (provider() === null) return `the Galera provider is not installed (apt-get install galera-4; looked for ${PROVIDERS.join(', ')})`;
  if (process.getuid?.() !== 0) return `it must run as root to start mariadbd as the mysql user (running as ${userInfo().username})`;
  return null;
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class GaleraNode {
  constructor(cluster, index, ports) {
    this.cluster = cluster;
    this.index = index;
    this.name = `node${index + 1}`;
    this.port = ports.sql;
    this.ports = ports;
    this.dir = join(cluster.dir, this.name);
    this.socket = join(this.dir, 'mysqld.sock');
    this.process = null;
    this.log = '';
  }

  /** mysql://monitor_galera:…@127.0.0.1:PORT/DATABASE */
  url(database) {
    return `mysql://${GALERA_TEST_USER.user}:${GALERA_TEST_USER.password}@127.0.0.1:${this.port}/${database}`;
  }

  args(bootstrap) {
    const peers = this.cluster.nodes.filter((node) => node !== this).map((node) => `127.0.0.1:${node.ports.gcomm}`);
    return [
      '--no-defaults',
      '--user=mysql',
      `--datadir=${join(this.dir, 'data')}`,
      `--tmpdir=${join(this.dir, 'tmp')}`,
      `--port=${this.port}`,
      '--bind-address=127.0.0.1',
      `--socket=${this.socket}`,
      `--pid-file=${join(this.dir, 'mysqld.pid')}`,
      `--log-error=${join(this.dir, 'error.log')}`,
      '--innodb-buffer-pool-size=32M',
      '--innodb-log-file-size=16M',
      '--innodb-flush-log-at-trx-commit=2',
      '--max-connections=300',
      '--binlog-format=ROW',
      '--default-storage-engine=InnoDB',
      '--innodb-autoinc-lock-mode=2',
      '--wsrep-on=ON',
      `--wsrep-provider=${provider()}`,
      `--wsrep-cluster-name=${this.cluster.name}`,
      `--wsrep-node-name=${this.name}`,
      `--wsrep-node-address=127.0.0.1:${this.ports.gcomm}`,
      `--wsrep-cluster-address=gcomm://${bootstrap ? '' : peers.join(',')}`,
      `--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:${this.ports.gcomm};ist.recv_addr=127.0.0.1:${this.ports.ist};gcache.size=64M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;evs.install_timeout=PT6S`,
      `--wsrep-sst-receive-address=127.0.0.1:${this.ports.sst}`,
      '--wsrep-sst-method=rsync',
      '--wsrep-slave-threads=2',
      ...(this.cluster.extraArgs ?? []),
      ...(bootstrap ? ['--wsrep-new-cluster'] : []),
    ];
  }

  /** Starts mariadbd; resolves once the node is Synced and takes queries. */
  async start({ bootstrap = false, timeoutMs = 60_000 } = {}) {
    const child = spawn(MARIADBD, this.args(bootstrap), { stdio: ['ignore', 'ignore', 'pipe'] });
    this.process = child;
    this.log = '';
    child.stderr.on('data', (chunk) => (this.log = (this.log + chunk.toString()).slice(-4000)));
    const killOnExit = () => void child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    await this.waitSynced(timeoutMs);
  }

  async waitSynced(timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    let last = 'not started';
    while (Date.now() < deadline) {
      if (this.process?.exitCode !== null && this.process?.exitCode !== undefined) {
        throw new Error(`${this.name}: mariadbd exited with ${this.process.exitCode}: ${await this.errorLog()}`);
      }
      try {
        const state = await this.status();
        if (state.wsrep_ready === 'ON' && state.wsrep_local_state === '4') return;
        last = `wsrep_ready=${state.wsrep_ready} wsrep_local_state=${state.wsrep_local_state}`;
      } catch (error) {
        last = error.message;
      }
      await sleep(200);
    }
    throw new Error(`${this.name} was not synced within ${timeoutMs} ms (${last}): ${await this.errorLog()}`);
  }

  async errorLog() {
    try {
      const { readFile } = await import('node:fs/promises');
      return (await readFile(join(this.dir, 'error.log'), 'utf8')).slice(-1500);
    } catch {
      return this.log.slice(-1500);
    }
  }

  /** Runs SQL as root over the node's socket. */
  async admin(sql, params) {
    const connection = await mysql.createConnection({ socketPath: this.socket, user: 'root', connectTimeout: 3000 });
    try {
      const [rows] = await connection.query(sql, params);
      return rows;
    } finally {
      await connection.end();
    }
  }

  /** A read as root that first waits until this node has applied everything the cluster committed (wsrep_sync_wait). */
  async read(sql, params) {
    const connection = await mysql.createConnection({ socketPath: this.socket, user: 'root', connectTimeout: 3000 });
    try {
      await connection.query('SET SESSION wsrep_sync_wait = 1');
      const [rows] = await connection.query(sql, params);
      return rows;
    } finally {
      await connection.end();
    }
  }

  async status() {
    const rows = await this.admin(
      "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state', 'wsrep_cluster_size', 'wsrep_cluster_status')",
    );
    return Object.fromEntries(rows.map((row) => [row.Variable_name, row.Value]));
  }

  /** kill -9: no shutdown, no goodbye to the cluster. */
  async kill() {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop() {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Starts `size` nodes (default 3) and waits until all are Synced in one primary component.
 * `extraArgs`: more mariadbd options for every node.
 */
export async function startGaleraCluster({ size = 3, extraArgs = [] } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'monitor-galera-'));
  const cluster = { dir, name: `monitor_${process.pid}`, nodes: [], extraArgs };
  try {
    for (let i = 0; i < size; i++) {
      const ports = { sql: await freePort(), gcomm: await freePort(), ist: await freePort(), sst: await freePort() };
      cluster.nodes.push(new GaleraNode(cluster, i, ports));
    }
    for (const node of cluster.nodes) {
      await mkdir(join(node.dir, 'tmp'), { recursive: true });
      await mkdir(join(node.dir, 'data'), { recursive: true });
    }
    await run('chown', ['-R', 'mysql:mysql', dir]);
    const first = cluster.nodes[0];
    await run(INSTALL_DB, [
      '--no-defaults',
      '--user=mysql',
      `--datadir=${join(first.dir, 'data')}`,
      `--tmpdir=${join(first.dir, 'tmp')}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ]).catch((error) => {
      throw new Error(`${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`.trim());
    });
    await first.start({ bootstrap: true });
    // Replicated to the joiners by their state transfer.
    await first.admin(`CREATE USER ?@'%' IDENTIFIED BY ?`, [GALERA_TEST_USER.user, GALERA_TEST_USER.password]);
    await first.admin(`GRANT ALL PRIVILEGES ON *.* TO ?@'%'`, [GALERA_TEST_USER.user]);
    // One joiner at a time: node 1 is the donor of each state transfer.
    for (const node of cluster.nodes.slice(1)) await node.start();
  } catch (error) {
    await Promise.all(cluster.nodes.map((node) => node.kill().catch(() => undefined)));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    nodes: cluster.nodes,
    dir,
    /** Stops every node and removes the data dirs. */
    async close() {
      await Promise.all(cluster.nodes.map((node) => node.stop().catch(() => node.kill())));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
