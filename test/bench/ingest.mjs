#!/usr/bin/env node
// Ingest benchmark: how many reports/s `monitor serve` acknowledges (each committed before its 202)
// at 50 concurrent keep-alive agents, as a ratio of a bare node:http server that only parses the same
// JSON, measured in the same run. Runs the COMPILED code (`npm run build` first): what users run.
//
//   npm run build && node test/bench/ingest.mjs [--seconds 10] [--slice 1] [--warmup 2]
//                                               [--connections 50] [--skip-sqlite]
//   MONITOR_BENCH_MYSQL_URL=mysql://root@127.0.0.1:3306 (default)
//
// Processes: each server runs in its own child process and this process only generates load, so the
// server under test gets a whole event loop (and, on a 2-core box, roughly a core) to itself, as in
// production; MariaDB is a third process. The bare server gets exactly the same treatment, so the
// ratio compares like with like. The load generator speaks HTTP/1.1 over raw sockets: node:http's
// client would burn more of the shared CPU than the bare server it measures.
//
// Interleaving: all servers start at once and the load moves between them in short slices (default
// 1 s each, in rotating order) until each has had --seconds of measured load. On a shared machine
// the background load changes from second to second; back-to-back runs of 10 s each would compare
// the servers under different conditions, slices compare them under the same ones.
//
// Every run ends by checking that each 2xx is a committed row (row count == 2xx count), then drops
// the throwaway MariaDB database and the SQLite file it created.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { databaseConfig } from './database-config.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const seconds = Number(option('seconds', process.env.MONITOR_BENCH_SECONDS ?? 10));
const sliceSeconds = Number(option('slice', 1));
const warmupSeconds = Number(option('warmup', 2));
const connections = Number(option('connections', 50));
const skipSqlite = args.includes('--skip-sqlite');
const mysqlBase = (process.env.MONITOR_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');
const childFlags = (process.env.MONITOR_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

if (!existsSync(join(root, 'dist/server/app.js')) || !existsSync(join(root, 'dist/store/open-store.js'))) {
  console.error('dist/ is missing: run `npm run build` first (the benchmark measures the compiled code).');
  process.exit(1);
}
const { openStore } = await import('../../dist/store/open-store.js');
const { generateHostKey, hashHostKey } = await import('../../dist/hosts/host-key.js');

// ---- the load generator --------------------------------------------------------------------

/** One keep-alive HTTP/1.1 connection; one request at a time, like an agent. */
class Connection {
  constructor(port) {
    this.port = port;
    this.waiting = null;
    this.#open();
  }

  #open() {
    const socket = connect({ host: '127.0.0.1', port: this.port });
    socket.setNoDelay(true);
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.#parse();
    });
    // A replaced socket's late events must not fail the request on its successor.
    socket.on('error', (error) => socket === this.socket && this.#fail(error));
    socket.on('close', () => socket === this.socket && this.#fail(new Error('connection closed')));
    this.ready = new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
  }

  async request(text) {
    // A server closes a keep-alive connection left idle past its timeout (5 s), e.g. while the other
    // servers had the load for a long warm-up: reconnect as an agent would, instead of writing into
    // a closed socket and waiting forever.
    if (this.socket.destroyed || this.socket.readyState !== 'open') {
      this.#open();
      await this.ready;
    }
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(text);
    });
  }

  close() {
    this.closing = true;
    this.socket.destroy();
  }

  #parse() {
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

  #fail(error) {
    if (this.waiting && !this.closing) this.waiting.reject(error);
    this.waiting = null;
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** CPU seconds used so far by a local MariaDB/MySQL server process, or null when it cannot be seen. */
function databaseCpuSeconds() {
  try {
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      if (comm !== 'mariadbd' && comm !== 'mysqld') continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (USER_HZ 100)
    }
  } catch {
    // Not Linux, or not allowed to look: leave the figure out.
  }
  return null;
}

/** One server under load: its agents (one connection and one host each) and what they saw. */
class Target {
  constructor(label, port, agents, usesMysql) {
    this.label = label;
    this.port = port;
    this.agents = agents.map((agent) => ({ ...agent, last: 0 }));
    this.usesMysql = usesMysql;
    this.latencies = [];
    this.statuses = new Map();
    this.ok = 0; // every 2xx, warm-up included: each must be a committed row
    this.measuredOk = 0;
    this.measuredMs = 0;
    this.failed = 0;
    this.loadCpu = 0;
    this.databaseCpu = usesMysql ? 0 : null;
  }

  async open() {
    this.conns = this.agents.map(() => new Connection(this.port));
    await Promise.all(this.conns.map((c) => c.ready));
  }

  close() {
    for (const conn of this.conns) conn.close();
  }

  /** Every agent sends reports back to back for `ms`; completions inside the slice count when `measure`. */
  async slice(ms, measure) {
    const loadBefore = process.cpuUsage();
    const dbBefore = this.usesMysql ? databaseCpuSeconds() : null;
    const start = performance.now();
    const stopAt = start + ms;
    await Promise.all(
      this.conns.map(async (conn, i) => {
        const agent = this.agents[i];
        while (performance.now() < stopAt) {
          // A fresh collected_at per request, strictly increasing per host: every report is new.
          agent.last = Math.max(Date.now(), agent.last + 1);
          const body = JSON.stringify({
            host_name: agent.hostName,
            collected_at: new Date(agent.last).toISOString(),
            cpu_pct: Math.round(Math.random() * 10000) / 100,
            mem_pct: Math.round(Math.random() * 10000) / 100,
            disk_pct: Math.round(Math.random() * 10000) / 100,
            load_1: Math.round(Math.random() * 400) / 100,
          });
          const text =
            `POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1:${this.port}\r\nAuthorization: Bearer ${agent.key}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
          const t0 = performance.now();
          let status;
          try {
            status = await conn.request(text);
          } catch {
            this.failed++;
            return;
          }
          const t1 = performance.now();
          this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
          if (status < 200 || status >= 300) continue;
          this.ok++;
          if (measure && t1 <= stopAt) {
            this.measuredOk++;
            this.latencies.push(t1 - t0);
          }
        }
      }),
    );
    if (measure) {
      this.measuredMs += ms;
      const load = process.cpuUsage(loadBefore);
      this.loadCpu += (load.user + load.system) / 1e6;
      if (this.usesMysql && dbBefore !== null) this.databaseCpu += databaseCpuSeconds() - dbBefore;
    }
    // Let the server finish what the slice left in flight before the next one takes the machine.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  result() {
    this.latencies.sort((a, b) => a - b);
    return {
      label: this.label,
      rps: this.measuredOk / (this.measuredMs / 1000),
      p50: percentile(this.latencies, 50),
      p99: percentile(this.latencies, 99),
      ok: this.ok,
      measuredOk: this.measuredOk,
      failed: this.failed,
      statuses: Object.fromEntries(this.statuses),
    };
  }
}

// ---- servers in child processes -------------------------------------------------------------

function startChild(mode, databaseUrl) {
  const child = spawn(
    process.execPath,
    [...childFlags, join(root, 'test/bench/ingest-server.mjs'), mode, ...(databaseUrl ? [databaseUrl] : [])],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = [];
  let pending = '';
  let onLine = null;
  child.stdout.on('data', (chunk) => {
    pending += chunk;
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(pending.slice(0, nl)));
      pending = pending.slice(nl + 1);
      onLine?.();
    }
  });
  // 'close', not 'exit': it comes after the child's stdout has been read to the end (its summary line).
  const exited = new Promise((resolve) => child.once('close', resolve));
  const nextLine = () =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (!lines.length) return;
        onLine = null;
        resolve(lines.shift());
      };
      onLine = check;
      exited.then((code) => reject(new Error(`${mode} server exited with ${code}`)));
      check();
    });
  return {
    nextLine,
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      return { code, summary: lines.shift() ?? null };
    },
  };
}

// ---- databases ----------------------------------------------------------------------------

async function prepareHosts(store, count) {
  const agents = [];
  for (let i = 0; i < count; i++) {
    const hostName = `bench-${String(i + 1).padStart(3, '0')}`;
    const key = generateHostKey();
    await store.addHost({ hostName, keyHash: hashHostKey(key), description: 'ingest benchmark', createdAt: new Date() });
    agents.push({ hostName, key });
  }
  return agents;
}

async function mysqlDatabase() {
  const mysql = (await import('mysql2/promise')).default;
  const admin = await mysql.createConnection(`${mysqlBase}/`);
  const name = `monitor_bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE \`${name}\``);
  return {
    url: `${mysqlBase}/${name}`,
    async countRows() {
      const [rows] = await admin.query(`SELECT COUNT(*) AS n FROM \`${name}\`.incoming_data`);
      return Number(rows[0].n);
    },
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}

async function sqliteDatabase() {
  const Database = (await import('better-sqlite3')).default;
  const dir = mkdtempSync(join(tmpdir(), 'monitor-bench-'));
  const file = join(dir, 'bench.db');
  return {
    url: `sqlite:${file}`,
    async countRows() {
      const db = new Database(file, { readonly: true });
      try {
        return Number(db.prepare('SELECT COUNT(*) AS n FROM incoming_data').get().n);
      } finally {
        db.close();
      }
    },
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates the schema and the hosts (their keys) before serve starts, as `monitor hosts add` would. */
async function withHosts(database) {
  const store = await openStore(databaseConfig(database.url, { poolSize: 2, connectTimeoutMs: 5000 }));
  try {
    await store.migrate();
    return await prepareHosts(store, connections);
  } finally {
    await store.close();
  }
}

// ---- the run ------------------------------------------------------------------------------

const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
console.log(
  `ingest benchmark: ${connections} connections; per server ${warmupSeconds}s warm-up + ${seconds}s measured, ` +
    `interleaved in ${sliceSeconds}s slices; node ${process.version}`,
);

const databases = [];
const servers = []; // { target, child, database? }
const children = [];
try {
  const bareChild = startChild('bare', null);
  children.push(bareChild);
  const bareAgents = Array.from({ length: connections }, (_, i) => ({ hostName: `bench-${i + 1}`, key: 'x'.repeat(46) }));
  servers.push({
    target: new Target('bare node:http (JSON.parse only)', (await bareChild.nextLine()).port, bareAgents, false),
    child: bareChild,
  });

  const plan = [['serve + MariaDB', mysqlDatabase, true]];
  if (!skipSqlite) plan.push(['serve + SQLite (embedded)', sqliteDatabase, false]);
  for (const [label, make, usesMysql] of plan) {
    const database = await make();
    databases.push(database);
    const agents = await withHosts(database);
    const child = startChild('serve', database.url);
    children.push(child);
    servers.push({ target: new Target(label, (await child.nextLine()).port, agents, usesMysql), child, database });
  }

  for (const { target } of servers) await target.open();
  for (const { target } of servers) await target.slice(warmupSeconds * 1000, false);
  const rounds = Math.max(1, Math.round(seconds / sliceSeconds));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < servers.length; i++) await servers[(round + i) % servers.length].target.slice(sliceSeconds * 1000, true);
  }
  for (const { target } of servers) target.close();

  const results = [];
  for (const { target, child, database } of servers) {
    const { summary } = await child.stop();
    children.splice(children.indexOf(child), 1);
    const result = target.result();
    const per1000 = (cpuSeconds) => (cpuSeconds * 1e6) / Math.max(1, result.measuredOk);
    result.summary = summary;
    result.cpu = {
      // The server's CPU over the whole run, per 2xx over the whole run.
      server: summary?.cpuSeconds ? ((summary.cpuSeconds.user + summary.cpuSeconds.system) * 1e6) / Math.max(1, result.ok) : null,
      serverKernel: summary?.cpuSeconds ? (summary.cpuSeconds.system * 1e6) / Math.max(1, result.ok) : null,
      database: target.databaseCpu === null ? null : per1000(target.databaseCpu),
      loadGenerator: per1000(target.loadCpu),
    };
    if (database) result.rows = await database.countRows();
    results.push(result);
  }
  report(results);
} catch (error) {
  console.error(`ingest benchmark failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  // Never leave a server process or a throwaway database behind, whatever failed.
  await Promise.all(children.map((child) => child.stop().catch(() => undefined)));
  for (const database of databases) await database.drop().catch((error) => console.error(`cleanup: ${error.message}`));
}

function report(results) {
  const bare = results[0].rps;
  console.log('\n===== ingest benchmark summary =====');
  console.log(
    `${'server'.padEnd(30)} ${'reports/s'.padStart(10)} ${'ratio'.padStart(6)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'2xx'.padStart(8)} ${'rows'.padStart(8)}  check`,
  );
  let rowsOk = true;
  for (const r of results) {
    const isServe = r.rows !== undefined;
    if (isServe && r.rows !== r.ok) rowsOk = false;
    const other = Object.entries(r.statuses)
      .filter(([s]) => !s.startsWith('2'))
      .map(([s, n]) => `${s} x${n}`);
    if (r.failed) other.push(`connection errors x${r.failed}`);
    console.log(
      `${r.label.padEnd(30)} ${fmt(r.rps).padStart(10)} ${fmt(r.rps / bare, 2).padStart(6)} ${fmt(r.p50, 2).padStart(7)} ${fmt(r.p99, 2).padStart(7)} ${String(r.ok).padStart(8)} ${String(r.rows ?? '').padStart(8)}  ${isServe ? (r.rows === r.ok ? 'rows = 2xx' : 'ROWS != 2xx') : ''} ${other.join(' ')}`,
    );
    const notes = [];
    if (r.summary?.commits) {
      notes.push(
        `${r.summary.commits} commits, ${fmt(r.summary.rows / r.summary.commits, 1)} reports/commit, ${fmt(r.summary.writeSecondsAvg * 1000, 2)} ms/commit`,
      );
    }
    const cpu = [
      ['server', r.cpu.server],
      ['database', r.cpu.database],
      ['load generator', r.cpu.loadGenerator],
    ]
      .filter(([, us]) => us !== null)
      .map(([name, us]) => `${name} ${fmt(us)}${name === 'server' ? ` (kernel ${fmt(r.cpu.serverKernel)})` : ''}`);
    notes.push(`CPU µs/report: ${cpu.join(', ')}`);
    console.log(`${''.padEnd(31)}${notes.join('; ')}`);
  }
  const maria = results.find((r) => r.label.includes('MariaDB'));
  const ratio = maria.rps / bare;
  console.log('\ntargets for serve + MariaDB: ratio >= 0.35, p99 <= 20 ms, every 2xx a committed row');
  console.log(
    `  ratio ${fmt(ratio, 2)} ${ratio >= 0.35 ? 'PASS' : 'FAIL'}; p99 ${fmt(maria.p99, 2)} ms ${maria.p99 <= 20 ? 'PASS' : 'FAIL'}; ` +
      `rows ${rowsOk ? 'PASS' : 'FAIL'}`,
  );
  process.exitCode = rowsOk ? 0 : 1;
}
