#!/usr/bin/env node
// Scale-out benchmark: the same ingest load through three `serve`s on a 3-node Galera cluster (one
// serve per node, started by test/support/galera-cluster.mjs on loopback) against one `serve` on a
// plain MariaDB, measured in the same run. Runs the COMPILED code (`npm run build` first).
//
//   npm run build && node test/bench/galera-ingest.mjs [--seconds 10] [--slice 1] [--warmup 2]
//                                                      [--connections 30]
//   MONITOR_BENCH_MYSQL_URL=mysql://root@127.0.0.1:3306 (the plain MariaDB; default)
//
// Needs root, mariadbd, galera-4 and rsync. Every agent is a keep-alive connection with a host of its
// own posting one report at a time (a closed loop, as in test/bench/ingest.mjs); on the cluster the
// agents are spread evenly over the three serves. The two setups take the load in alternating slices,
// so both see the same background load of a shared machine. Every run ends by checking that each
// 2xx is a row (on every node of the cluster). On one machine the three nodes share its cores with
// the one plain server's worth of work: the figure is the cost of replication and certification,
// not the gain of more machines.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { galeraUnavailableReason, startGaleraCluster } from '../support/galera-cluster.mjs';
import { databaseConfig } from './database-config.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const seconds = Number(option('seconds', 10));
const sliceSeconds = Number(option('slice', 1));
const warmupSeconds = Number(option('warmup', 2));
const connections = Number(option('connections', 30));
const plainBase = (process.env.MONITOR_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');

if (!existsSync(join(root, 'dist/server/app.js'))) {
  console.error('dist/ is missing: run `npm run build` first (the benchmark measures the compiled code).');
  process.exit(1);
}
const unavailable = galeraUnavailableReason();
if (unavailable) {
  console.error(`cannot start a Galera cluster: ${unavailable}`);
  process.exit(1);
}
const { openStore } = await import('../../dist/store/open-store.js');
const { generateHostKey, hashHostKey } = await import('../../dist/hosts/host-key.js');

/** One keep-alive HTTP/1.1 connection; one request at a time, like an agent. */
class Connection {
  constructor(port) {
    this.port = port;
    this.socket = connect({ host: '127.0.0.1', port });
    this.socket.setNoDelay(true);
    this.buffer = Buffer.alloc(0);
    this.waiting = null;
    this.socket.on('data', (chunk) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.parse();
    });
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('connection closed')));
    this.ready = new Promise((resolve) => this.socket.once('connect', resolve));
  }
  request(text) {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(text);
    });
  }
  parse() {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const head = this.buffer.subarray(0, end).toString('latin1');
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buffer.length < end + 4 + length) return;
    const status = Number(head.slice(9, 12));
    this.buffer = this.buffer.subarray(end + 4 + length);
    const { resolve } = this.waiting;
    this.waiting = null;
    resolve(status);
  }
  fail(error) {
    if (this.waiting && !this.closing) this.waiting.reject(error);
    this.waiting = null;
  }
  close() {
    this.closing = true;
    this.socket.destroy();
  }
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

/** The agents of one setup: connection i goes to ports[i % ports.length]. */
class Setup {
  constructor(label, ports, agents) {
    this.label = label;
    this.agents = agents.map((agent, i) => ({ ...agent, port: ports[i % ports.length], last: 0 }));
    this.latencies = [];
    this.statuses = new Map();
    this.ok = 0;
    this.measuredOk = 0;
    this.measuredMs = 0;
  }
  async open() {
    this.conns = this.agents.map((agent) => new Connection(agent.port));
    await Promise.all(this.conns.map((conn) => conn.ready));
  }
  close() {
    for (const conn of this.conns) conn.close();
  }
  async slice(ms, measure) {
    const stopAt = performance.now() + ms;
    await Promise.all(
      this.conns.map(async (conn, i) => {
        const agent = this.agents[i];
        while (performance.now() < stopAt) {
          agent.last = Math.max(Date.now(), agent.last + 1);
          const body = JSON.stringify({
            host_name: agent.hostName,
            collected_at: new Date(agent.last).toISOString(),
            cpu_pct: 12.5,
            mem_pct: 40,
            disk_pct: 71.25,
            load_1: 0.5,
          });
          const text =
            `POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1:${agent.port}\r\nAuthorization: Bearer ${agent.key}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
          const t0 = performance.now();
          const status = await conn.request(text);
          const t1 = performance.now();
          this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
          if (status !== 202) continue;
          this.ok++;
          if (measure && t1 <= stopAt) {
            this.measuredOk++;
            this.latencies.push(t1 - t0);
          }
        }
      }),
    );
    if (measure) this.measuredMs += ms;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  result() {
    this.latencies.sort((a, b) => a - b);
    return { rps: this.measuredOk / (this.measuredMs / 1000), p50: percentile(this.latencies, 50), p99: percentile(this.latencies, 99) };
  }
}

function startServe(databaseUrl) {
  const child = spawn(process.execPath, [join(root, 'test/bench/ingest-server.mjs'), 'serve', databaseUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('close', resolve));
  const port = new Promise((resolve, reject) => {
    let pending = '';
    child.stdout.on('data', (chunk) => {
      pending += chunk;
      const nl = pending.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(pending.slice(0, nl)).port);
    });
    exited.then((code) => reject(new Error(`serve exited with ${code}`)));
  });
  return { port, stop: async () => (child.kill('SIGTERM'), await exited) };
}

async function registerHosts(url) {
  const store = await openStore(databaseConfig(url, { poolSize: 2, connectTimeoutMs: 5000 }));
  try {
    const agents = [];
    for (let i = 0; i < connections; i++) {
      const hostName = `bench-${String(i + 1).padStart(3, '0')}`;
      const key = generateHostKey();
      await store.addHost({ hostName, keyHash: hashHostKey(key), description: 'galera benchmark', createdAt: new Date() });
      agents.push({ hostName, key });
    }
    return agents;
  } finally {
    await store.close();
  }
}

async function countRows(url, syncWait) {
  const connection = await mysql.createConnection(url);
  try {
    if (syncWait) await connection.query('SET SESSION wsrep_sync_wait = 1');
    const [rows] = await connection.query('SELECT COUNT(*) AS n FROM incoming_data');
    return Number(rows[0].n);
  } finally {
    await connection.end();
  }
}

const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
console.log(
  `galera ingest benchmark: ${connections} connections; per setup ${warmupSeconds}s warm-up + ${seconds}s measured in ${sliceSeconds}s slices; node ${process.version}`,
);

const database = `monitor_bench_galera_${randomBytes(4).toString('hex')}`;
const plainUrl = `${plainBase}/${database}`;
let cluster = null;
const serves = [];
try {
  const started = performance.now();
  cluster = await startGaleraCluster();
  console.log(`cluster: 3 nodes synced in ${fmt((performance.now() - started) / 1000, 1)} s`);
  const clusterUrls = cluster.nodes.map((node) => node.url(database));
  const clusterAgents = await registerHosts(clusterUrls[0]);
  const plainAgents = await registerHosts(plainUrl);
  for (const url of [...clusterUrls, plainUrl]) serves.push(startServe(url));
  const ports = await Promise.all(serves.map((serve) => serve.port));
  const galera = new Setup('3 x serve on Galera (3 nodes)', ports.slice(0, 3), clusterAgents);
  const plain = new Setup('1 x serve on plain MariaDB', ports.slice(3), plainAgents);
  await Promise.all([galera.open(), plain.open()]);

  const slices = Math.ceil(seconds / sliceSeconds);
  for (let i = 0; i < Math.ceil(warmupSeconds / sliceSeconds); i++)
    for (const setup of [galera, plain]) await setup.slice(sliceSeconds * 1000, false);
  for (let i = 0; i < slices; i++)
    for (const setup of i % 2 ? [plain, galera] : [galera, plain]) await setup.slice(sliceSeconds * 1000, true);
  galera.close();
  plain.close();
  await Promise.all(serves.map((serve) => serve.stop()));
  serves.length = 0;

  const g = galera.result();
  const p = plain.result();
  const rows = [];
  for (const url of clusterUrls) rows.push(await countRows(url, true));
  const plainRows = await countRows(plainUrl, false);
  console.log('');
  console.log('| setup | reports/s | p50 | p99 | rows = 2xx |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| ${plain.label} | ${fmt(p.rps)} | ${fmt(p.p50, 1)} ms | ${fmt(p.p99, 1)} ms | ${plainRows === plain.ok ? 'yes' : 'NO'} (${plainRows}) |`,
  );
  console.log(
    `| ${galera.label} | ${fmt(g.rps)} | ${fmt(g.p50, 1)} ms | ${fmt(g.p99, 1)} ms | ${rows.every((n) => n === galera.ok) ? 'yes' : 'NO'} (${rows.join(' / ')}) |`,
  );
  console.log('');
  console.log(`ratio Galera / plain: ${fmt(g.rps / p.rps, 2)}`);
  console.log(
    `statuses: plain ${JSON.stringify(Object.fromEntries(plain.statuses))}, galera ${JSON.stringify(Object.fromEntries(galera.statuses))}`,
  );
  if (plainRows !== plain.ok || rows.some((n) => n !== galera.ok)) process.exitCode = 1;
} finally {
  await Promise.all(serves.map((serve) => serve.stop().catch(() => undefined)));
  await cluster?.close();
  const admin = await mysql.createConnection(`${plainBase}/`).catch(() => null);
  await admin?.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin?.end();
}
