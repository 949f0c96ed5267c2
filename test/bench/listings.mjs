#!/usr/bin/env node
// Listing benchmark: how long `monitor alerts list` (with each filter), `alerts show` and `hosts list`
// take as whole processes on 100,000 alerts over 1,000 hosts (144 samples each), on MariaDB and on SQLite, next to a
// `monitor --version` process in the same run (the start-up every command pays). Target (DESIGN.md):
// well under a second. Runs the COMPILED code (`npm run build` first).
//
//   npm run build && node test/bench/listings.mjs [--alerts 100000] [--hosts 1000] [--runs 5]
//   MONITOR_BENCH_MYSQL_URL=mysql://root@127.0.0.1:3306 (default)
//
// Throwaway data: a MariaDB database monitor_bench_list_<random> and a temp dir, removed at the end.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { databaseConfig } from './database-config.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const ALERTS = option('alerts', 100_000);
const HOSTS = option('hosts', 1_000);
const RUNS = option('runs', 5);
const mysqlBase = (process.env.MONITOR_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');

const { openStore } = await import('../../dist/store/open-store.js');
const home = mkdtempSync(join(tmpdir(), 'monitor-bench-list-'));
const NOW = Date.now();
/** A day's worth of the check benchmark's rate would be 1,440; the last 144 minutes keep seeding quick. */
const SAMPLES_PER_HOST = 144;
const sqlTime = (ms) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

/** Rows for hosts, host checks and alerts: mostly resolved, one open alert per 50 hosts and check. */
async function seed(store, raw) {
  const types = await store.listCheckTypes();
  const hostRows = [];
  for (let i = 1; i <= HOSTS; i++)
    hostRows.push([
      i,
      `host-${String(i).padStart(4, '0')}`,
      randomBytes(32).toString('hex'),
      sqlTime(NOW - 30 * 86_400_000),
      sqlTime(NOW - 30_000),
    ]);
  await raw('INSERT INTO hosts (host_id, host_name, host_key_hash, created_at, last_seen) VALUES ', hostRows);
  const checkRows = hostRows.flatMap(([hostId]) => types.map((type) => [hostId, type.checkId, '{}', 1]));
  await raw('INSERT INTO host_alert_checks (host_id, check_id, params_json, enabled) VALUES ', checkRows);
  const alertRows = [];
  const open = new Set();
  for (let i = 0; i < ALERTS; i++) {
    const hostId = 1 + (i % HOSTS);
    const type = types[i % types.length];
    const triggered = NOW - Math.floor(((ALERTS - i) / ALERTS) * 90 * 86_400_000);
    const key = `${hostId}:${type.checkId}`;
    const isOpen = i >= ALERTS - HOSTS && hostId % 50 === 0 && !open.has(key);
    if (isOpen) open.add(key);
    alertRows.push([
      hostId,
      type.checkId,
      'critical',
      isOpen ? 'open' : 'resolved',
      sqlTime(triggered),
      isOpen ? null : sqlTime(triggered + 600_000),
      `Host 'host-${String(hostId).padStart(4, '0')}' disk usage critical: 93%`,
      isOpen ? null : 'disk usage normal: 40%',
      93,
    ]);
  }
  await raw(
    'INSERT INTO alerts (host_id, check_id, severity, status, triggered_at, resolved_at, message, resolve_message, value) VALUES ',
    alertRows,
  );
  // Samples too: `hosts list` finds each host's newest one, and that is most of its work.
  const sampleRows = [];
  for (let minutesAgo = SAMPLES_PER_HOST; minutesAgo >= 1; minutesAgo--) {
    const at = sqlTime(NOW - minutesAgo * 60_000);
    for (let hostId = 1; hostId <= HOSTS; hostId++) sampleRows.push([hostId, at, at, 20 + (hostId % 60), 50, 40, 0.5, '']);
  }
  await raw(
    'INSERT INTO incoming_data (host_id, collected_at, received_at, cpu_pct, mem_pct, disk_pct, load_1, dataset_name) VALUES ',
    sampleRows,
  );
}

function timeProcess(argv, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(root, 'bin/monitor'), ...argv], {
      env: { PATH: process.env.PATH, HOME: home, TZ: 'UTC', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(performance.now() - started) : reject(new Error(`monitor ${argv.join(' ')} exited ${code}: ${out}`)),
    );
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(label, env) {
  const cases = [
    ['--version', ['--version']],
    ['alerts list', ['alerts', 'list']],
    ['alerts list --status open', ['alerts', 'list', '--status', 'open']],
    ['alerts list --host host-0500', ['alerts', 'list', '--host', 'host-0500']],
    ['alerts list --check files_count', ['alerts', 'list', '--check', 'files_count']],
    ['alerts list --since 24h --limit 1000 --json', ['alerts', 'list', '--since', '24h', '--limit', '1000', '--json']],
    ['alerts show 50000', ['alerts', 'show', '50000']],
    [`hosts list (${HOSTS} hosts)`, ['hosts', 'list']],
  ];
  console.log(`${label}: ${ALERTS.toLocaleString('en')} alerts, ${HOSTS} hosts; median of ${RUNS} processes`);
  let baseline = 0;
  for (const [name, argv] of cases) {
    await timeProcess(argv, env); // warm the database's caches
    const times = [];
    for (let i = 0; i < RUNS; i++) times.push(await timeProcess(argv, env));
    const ms = median(times);
    if (name === '--version') baseline = ms;
    console.log(`  ${name.padEnd(44)} ${String(Math.round(ms)).padStart(5)} ms   (${Math.round(ms - baseline)} ms over start-up)`);
  }
}

let mysqlName = null;
try {
  // MariaDB
  mysqlName = `monitor_bench_list_${randomBytes(3).toString('hex')}`;
  const url = `${mysqlBase}/${mysqlName}`;
  const store = await openStore(databaseConfig(url, { poolSize: 2, connectTimeoutMs: 5_000 }));
  const mysql = (await import('mysql2/promise')).default;
  const connection = await mysql.createConnection(url);
  await seed(store, async (sql, rows) => {
    for (let i = 0; i < rows.length; i += 2000) await connection.query(`${sql} ?`, [rows.slice(i, i + 2000)]);
  });
  await connection.end();
  await store.close();
  await measure('MariaDB', { MONITOR_DATABASE_URL: url });

  // SQLite
  const file = join(home, 'bench.db');
  const sqliteStore = await openStore(databaseConfig(`sqlite:${file}`, { poolSize: 1, connectTimeoutMs: 5_000 }));
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(file);
  await seed(sqliteStore, async (sql, rows) => {
    const width = rows[0].length;
    db.transaction(() => {
      for (let i = 0; i < rows.length; i += 500) {
        const part = rows.slice(i, i + 500);
        db.prepare(`${sql} ${part.map(() => `(${Array(width).fill('?').join(', ')})`).join(', ')}`).run(part.flat());
      }
    })();
  });
  db.close();
  await sqliteStore.close();
  await measure('SQLite', { MONITOR_DATABASE_URL: `sqlite:${file}` });
} finally {
  if (mysqlName) {
    const mysql = (await import('mysql2/promise')).default;
    const connection = await mysql.createConnection(mysqlBase);
    await connection.query(`DROP DATABASE IF EXISTS \`${mysqlName}\``);
    await connection.end();
  }
  rmSync(home, { recursive: true, force: true });
}
