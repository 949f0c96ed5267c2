// The floor the one-file agent is measured against (test/bench/collect.mjs): a bare Node script doing
// what one `collect` run must do — read /proc/stat and the saved counters, save them, read
// /proc/meminfo, statfs /, the load average — and one POST of the report, with no config, no spool,
// no checks. `node collect-bare.mjs STATE_DIR` with MONITOR_SERVER_URL and MONITOR_HOST_KEY set.
import { readFileSync, writeFileSync, statfsSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg, hostname } from 'node:os';
import { join } from 'node:path';

const stateFile = join(process.argv[2] ?? '.', 'bare-cpu.json');
const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
const total = ticks.reduce((a, b) => a + b, 0);
const idle = ticks[3] + ticks[4];
let cpu = null;
try {
  const before = JSON.parse(readFileSync(stateFile, 'utf8'));
  cpu = total > before.total ? (100 * (total - before.total - (idle - before.idle))) / (total - before.total) : null;
} catch {
  // No earlier state (first run) or an unreadable one: report no CPU figure this time.
}
writeFileSync(stateFile, JSON.stringify({ total, idle }));
const mem = Object.fromEntries(
  readFileSync('/proc/meminfo', 'utf8')
    .split('\n')
    .map((l) => [l.split(':')[0], parseInt(l.split(':')[1])]),
);
const fs = statfsSync('/');
const report = {
  host_name: process.env.MONITOR_HOST_NAME ?? hostname(),
  collected_at: new Date().toISOString(),
  cpu_pct: cpu,
  mem_pct: (100 * (mem.MemTotal - mem.MemAvailable)) / mem.MemTotal,
  disk_pct: (100 * (fs.blocks - fs.bfree)) / (fs.blocks - fs.bfree + fs.bavail),
  load_1: loadavg()[0],
};
const body = JSON.stringify({ reports: [report] });
const req = request(`${process.env.MONITOR_SERVER_URL}/api/v1/reports`, {
  method: 'POST',
  headers: {
    authorization: `Bearer ${process.env.MONITOR_HOST_KEY}`,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  },
});
req.on('response', (res) => {
  res.resume();
  res.on('end', () => (process.exitCode = res.statusCode === 202 ? 0 : 1));
});
req.end(body);
