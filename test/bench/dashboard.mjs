#!/usr/bin/env node
// Dashboard benchmark on MariaDB: the fleet query behind `/` and GET /api/v1/hosts at 10,000 hosts
// (144 samples each, 100,000 alerts of which ~1% open), in process and over HTTP, next to a bare
// floor in the same run (mysql2 reading the same host rows and open alerts: what any fleet page must
// read); and the sizes the downsampling returns for one host with 30 days of one-minute samples.
// Target (issue 13): the fleet query <= 200 ms at 10k hosts. Runs the COMPILED code (`npm run build`).
//
//   npm run build && node test/bench/dashboard.mjs [--hosts 10000] [--runs 15]
//   MONITOR_BENCH_MYSQL_URL=mysql://root@127.0.0.1:3306 (default)
//
// Throwaway data: a database monitor_bench_dash_<random>, dropped at the end.

import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { databaseConfig } from './database-config.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const HOSTS = option('hosts', 10_000);
const RUNS = option('runs', 15);
const ALERTS = option('alerts', 100_000);
const SAMPLES_PER_HOST = 144;
const mysqlBase = (process.env.MONITOR_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');

const { openStore } = await import('../../dist/store/open-store.js');
const { loadFleet, loadSeries } = await import('../../dist/web/views.js');
const { startServer } = await import('../../dist/server/app.js');
const mysql = (await import('mysql2/promise')).default;

const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const sqlTime = (ms) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function time(fn) {
  await fn(); // warm
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return median(times);
}

const name = `monitor_bench_dash_${randomBytes(3).toString('hex')}`;
const url = `${mysqlBase}/${name}`;
const store = await openStore(databaseConfig(url, { poolSize: 4, connectTimeoutMs: 5_000 }));
const connection = await mysql.createConnection(url);
const insert = async (sql, rows) => {
  for (let i = 0; i < rows.length; i += 5000) await connection.query(`${sql} ?`, [rows.slice(i, i + 5000)]);
};
try {
  const seeded = performance.now();
  const types = await store.listCheckTypes();
  const hostRows = [];
  for (let i = 1; i <= HOSTS; i++) {
    // ~1% silent (last seen an hour ago), a few never reported.
    const lastSeen = i % 250 === 0 ? null : i % 100 === 0 ? sqlTime(NOW - 3_600_000) : sqlTime(NOW - 30_000);
    hostRows.push([i, `host-${String(i).padStart(5, '0')}`, randomBytes(32).toString('hex'), sqlTime(NOW - 30 * 86_400_000), lastSeen]);
  }
  await insert('INSERT INTO hosts (host_id, host_name, host_key_hash, created_at, last_seen) VALUES', hostRows);
  const alertRows = [];
  const open = new Set();
  for (let i = 0; i < ALERTS; i++) {
    const hostId = 1 + (i % HOSTS);
    const type = types[i % 4];
    const triggered = NOW - Math.floor(((ALERTS - i) / ALERTS) * 90 * 86_400_000);
    const key = `${hostId}:${type.checkId}`;
    const isOpen = i >= ALERTS - HOSTS && hostId % 97 === 0 && !open.has(key);
    if (isOpen) open.add(key);
    alertRows.push([
      hostId,
      type.checkId,
      i % 3 ? 'critical' : 'warning',
      isOpen ? 'open' : 'resolved',
      sqlTime(triggered),
      isOpen ? null : sqlTime(triggered + 600_000),
      'bench',
      isOpen ? null : 'ok',
      93,
    ]);
  }
  await insert(
    'INSERT INTO alerts (host_id, check_id, severity, status, triggered_at, resolved_at, message, resolve_message, value) VALUES',
    alertRows,
  );
  for (let minutesAgo = SAMPLES_PER_HOST; minutesAgo >= 1; minutesAgo--) {
    const at = sqlTime(NOW - minutesAgo * 60_000);
    const rows = [];
    for (let hostId = 1; hostId <= HOSTS; hostId++)
      if (hostId % 250 !== 0) rows.push([hostId, at, at, 20 + (hostId % 60), 50, 40, 0.5, '']);
    await insert(
      'INSERT INTO incoming_data (host_id, collected_at, received_at, cpu_pct, mem_pct, disk_pct, load_1, dataset_name) VALUES',
      rows,
    );
  }
  // One host with a month of one-minute samples, for the downsampling sizes.
  const monthRows = [];
  for (let minutesAgo = 30 * 1440; minutesAgo > SAMPLES_PER_HOST; minutesAgo--) {
    const at = sqlTime(NOW - minutesAgo * 60_000);
    monthRows.push([1, at, at, (minutesAgo % 90) + 5, 50, 40 + minutesAgo / 1000, 0.5, '']);
  }
  await insert(
    'INSERT INTO incoming_data (host_id, collected_at, received_at, cpu_pct, mem_pct, disk_pct, load_1, dataset_name) VALUES',
    monthRows,
  );
  await connection.query('ANALYZE TABLE hosts, alerts, incoming_data');
  console.log(
    `MariaDB: ${HOSTS.toLocaleString('en')} hosts, ${(HOSTS * SAMPLES_PER_HOST + monthRows.length).toLocaleString('en')} samples, ${ALERTS.toLocaleString('en')} alerts (${open.size} open); seeded in ${((performance.now() - seeded) / 1000).toFixed(0)} s`,
  );
  console.log(`median of ${RUNS} runs after one warm-up\n`);

  const floor = await time(async () => {
    await connection.query('SELECT host_id, host_name, description, created_at, last_seen FROM hosts ORDER BY host_name');
    await connection.query("SELECT alert_id, host_id, check_id, severity FROM alerts WHERE status = 'open'");
  });
  const now = new Date(NOW);
  const rows = [
    ['floor: mysql2 reads hosts + open alerts', floor],
    ['loadFleet, first page (100 hosts)', await time(() => loadFleet(store, { limit: 100, offset: 0 }, now))],
    ['loadFleet, last page', await time(() => loadFleet(store, { limit: 100, offset: HOSTS - 100 }, now))],
    ["loadFleet, q='host-0999' (11 hosts)", await time(() => loadFleet(store, { q: 'host-0999', limit: 100, offset: 0 }, now))],
    ['loadFleet, state=SILENT', await time(() => loadFleet(store, { state: 'SILENT', limit: 100, offset: 0 }, now))],
  ];
  const server = await startServer({
    store,
    config: {
      listen: { host: '127.0.0.1', port: 0 },
      url: null,
      maxBodyBytes: 1 << 20,
      requestTimeoutMs: 10_000,
      tls: null,
      metricsToken: null,
      metricsListen: null,
    },
    log: { debug() {}, info() {}, warn() {}, error: console.error },
  });
  try {
    rows.push([
      'GET /api/v1/hosts?limit=100 (HTTP, JSON)',
      await time(async () => (await fetch(`${server.url}/api/v1/hosts?limit=100`)).arrayBuffer()),
    ]);
    rows.push(['GET / (HTTP, the fleet page)', await time(async () => (await fetch(`${server.url}/`)).arrayBuffer())]);
    rows.push(['GET /?fragment=1 (a live refresh)', await time(async () => (await fetch(`${server.url}/?fragment=1`)).arrayBuffer())]);
    for (const [label, ms] of rows)
      console.log(`  ${label.padEnd(44)} ${ms.toFixed(1).padStart(7)} ms   ${(ms / floor).toFixed(1).padStart(5)}x floor`);

    console.log(`\nDownsampling, host-00001 (one sample a minute for 30 days):`);
    const host = await store.findHostByName('host-00001');
    for (const [range, ms] of [
      ['1h', 3_600_000],
      ['24h', 86_400_000],
      ['7d', 7 * 86_400_000],
      ['30d', 30 * 86_400_000],
    ]) {
      const from = new Date(NOW - ms);
      const series = await loadSeries(store, host, { from, to: now, stepMs: null });
      const took = await time(() => loadSeries(store, host, { from, to: now, stepMs: null }));
      const body = await (await fetch(`${server.url}/api/v1/hosts/host-00001/samples?from=${range}`)).arrayBuffer();
      console.log(
        `  ${range.padEnd(4)} ${String(Math.round(ms / 60_000)).padStart(6)} samples -> ${String(series.points).padStart(4)} points (step ${String(series.step_seconds).padStart(4)} s), ${(body.byteLength / 1024).toFixed(0).padStart(4)} KiB JSON, ${took.toFixed(1).padStart(6)} ms`,
      );
    }
  } finally {
    await server.close();
  }
} finally {
  await store.close();
  await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await connection.end();
}
