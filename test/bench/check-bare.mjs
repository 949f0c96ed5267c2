#!/usr/bin/env node
// The floor of the check benchmark: a bare Node process that loads only mysql2, reads the rows any
// `monitor check` must read — the enabled host checks, the last 10 minutes of metrics through the
// covering (collected_at, host_id, …) index, the open alerts — and compares each host's values with
// fixed limits (the default catalogue's: cpu >= 85/95 over 5 minutes, mem and disk >= 80/90 now, silent
// after 10 minutes). No config, no migrations check, no flap history, no messages, no writes: what is
// left of a check run when everything but reading and comparing is taken away. check.mjs times it
// next to `monitor check` in the same run, on the same data, and prints the ratio.
//
//   MONITOR_DATABASE_URL=mysql://root@127.0.0.1:3306/db node test/bench/check-bare.mjs
//
// Prints one line: how many host checks it judged, how many are not ok, how many alerts are open.

import mysql from 'mysql2/promise';

const MINUTE = 60_000;
const sqlTime = (ms) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

const pool = mysql.createPool({ uri: process.env.MONITOR_DATABASE_URL, connectionLimit: 3, dateStrings: true, supportBigNumbers: true });
const now = Date.now();
const since = sqlTime(now - 10 * MINUTE);
const cpuFrom = sqlTime(now - 5 * MINUTE);
// As `monitor check` does: the statements in flight together, each on its own connection.
const [[checks], [types], [samples], [open]] = await Promise.all([
  pool.query({ sql: 'SELECT host_id, check_id, params_json FROM host_alert_checks WHERE enabled = 1', rowsAsArray: true }),
  pool.query({ sql: 'SELECT check_id, check_key FROM alert_types', rowsAsArray: true }),
  pool.query({
    sql: `SELECT host_id, collected_at, cpu_pct, mem_pct, disk_pct, load_1 FROM incoming_data
           WHERE collected_at > ? AND collected_at <= ? ORDER BY collected_at, host_id`,
    rowsAsArray: true,
    values: [since, sqlTime(now)],
  }),
  pool.query({ sql: "SELECT alert_id, host_id, check_id, severity FROM alerts WHERE status = 'open'", rowsAsArray: true }),
]);
await pool.end();

// Per host: the newest cpu/mem/disk, the lowest cpu of the last 5 minutes, the newest report time.
const hosts = new Map();
for (const [hostId, at, cpu, mem, disk] of samples) {
  let host = hosts.get(hostId);
  if (host === undefined) hosts.set(hostId, (host = { cpuMin: Infinity, cpu: null, mem: null, disk: null, last: '' }));
  if (cpu !== null) {
    host.cpu = cpu;
    if (at > cpuFrom) host.cpuMin = Math.min(host.cpuMin, cpu);
  }
  if (mem !== null) host.mem = mem;
  if (disk !== null) host.disk = disk;
  host.last = at;
}

const keyOf = new Map(types.map(([checkId, checkKey]) => [checkId, checkKey]));
const level = (value, warn, crit) =>
  value === null || value === Infinity ? 'unknown' : value >= crit ? 'critical' : value >= warn ? 'warning' : 'ok';
let notOk = 0;
for (const [hostId, checkId] of checks) {
  const host = hosts.get(hostId);
  let status;
  switch (keyOf.get(checkId)) {
    case 'cpu_usage':
      status = host ? level(host.cpuMin, 85, 95) : 'unknown';
      break;
    case 'memory_usage':
      status = host ? level(host.mem, 80, 90) : 'unknown';
      break;
    case 'disk_space':
      status = host ? level(host.disk, 80, 90) : 'unknown';
      break;
    default:
      status = host ? 'ok' : 'critical'; // host_silent: no report in 10 minutes
  }
  if (status !== 'ok') notOk++;
}
console.log(`${checks.length} host checks, ${notOk} not ok, ${open.length} open alerts`);
