// Data for the check benchmark: N hosts x the four default checks, 144 samples per host (one per
// minute, the newest at `end`), the same on MariaDB and on SQLite. Rows go in with multi-row INSERTs
// straight into the tables (the store's schema, created by the compiled store's own migrations), in
// primary-key order, so 1.44M samples load in well under a minute.
//
// The data is steady: every host reports normal values, except every `hotEvery`-th host whose disk
// stays at 95% (critical) — so a steady-state run also carries open alerts, as a real fleet does.

import { createHash } from 'node:crypto';

export const CHECK_KEYS = ['cpu_usage', 'memory_usage', 'disk_space', 'host_silent'];
export const SAMPLES_PER_HOST = 144;
const MINUTE = 60_000;

/** 'YYYY-MM-DD HH:MM:SS.mmm' UTC, as the store writes times. */
export function sqlTime(ms) {
  return new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
}

export function hostName(i) {
  return `bench-${String(i).padStart(5, '0')}`;
}

/** A cheap deterministic pseudo-random sequence (the same data on every run and both databases). */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** The sample rows of host #i (1-based), oldest first: [collected_at, received_at, cpu, mem, disk, load]. */
function hostSamples(i, end, hotEvery) {
  const random = rng(i * 2654435761);
  const hot = hotEvery > 0 && i % hotEvery === 0;
  // Each host reports at its own second of the minute, as cron'd agents with clock skew do.
  const offset = (i * 7919) % 60_000;
  const rows = [];
  const baseCpu = 10 + random() * 40;
  const baseMem = 30 + random() * 35;
  const baseDisk = hot ? 95 : 20 + random() * 50;
  for (let k = SAMPLES_PER_HOST - 1; k >= 0; k--) {
    const at = end - k * MINUTE - offset;
    rows.push([
      sqlTime(at),
      sqlTime(at + 300),
      Math.round((baseCpu + random() * 20) * 10) / 10,
      Math.round((baseMem + random() * 5) * 10) / 10,
      hot ? 95 : Math.round((baseDisk + random()) * 10) / 10,
      Math.round(random() * 300) / 100,
    ]);
  }
  return rows;
}

function keyHash(name) {
  return createHash('sha256').update(`bench-key:${name}`).digest('hex');
}

/** Fills a migrated MariaDB/MySQL database through mysql2 pools; each pool inserts other hosts' samples at once. */
export async function seedMysql(pools, { hosts, end, hotEvery = 100, onProgress = () => {} }) {
  const [main] = pools;
  const created = sqlTime(end - 2 * 86_400_000);
  for (let from = 1; from <= hosts; from += 2000) {
    const ids = range(from, Math.min(hosts, from + 1999));
    await main.query(
      `INSERT INTO hosts (host_id, host_name, host_key_hash, description, created_at, last_seen) VALUES ${ids.map(() => '(?, ?, ?, NULL, ?, ?)').join(', ')}`,
      ids.flatMap((i) => [i, hostName(i), keyHash(hostName(i)), created, sqlTime(end)]),
    );
  }
  await main.query(
    `INSERT INTO host_alert_checks (host_id, check_id, params_json, enabled)
     SELECT h.host_id, t.check_id, '{}', 1 FROM hosts h CROSS JOIN alert_types t WHERE t.check_key IN (${CHECK_KEYS.map(() => '?').join(', ')})`,
    CHECK_KEYS,
  );

  const hostsPerStatement = 40; // 5,760 rows, ~500 KB of SQL
  let next = 1;
  let done = 0;
  const worker = async (pool) => {
    while (next <= hosts) {
      const from = next;
      const to = Math.min(hosts, from + hostsPerStatement - 1);
      next = to + 1;
      const params = [];
      let count = 0;
      for (let i = from; i <= to; i++) {
        for (const row of hostSamples(i, end, hotEvery)) {
          params.push(i, ...row);
          count++;
        }
      }
      await pool.query(
        `INSERT INTO incoming_data (host_id, collected_at, received_at, cpu_pct, mem_pct, disk_pct, load_1) VALUES ${'(?, ?, ?, ?, ?, ?, ?), '.repeat(count - 1)}(?, ?, ?, ?, ?, ?, ?)`,
        params,
      );
      done += to - from + 1;
      onProgress(done);
    }
  };
  await Promise.all(pools.map(worker));
}

/** Fills a migrated SQLite file through better-sqlite3, in one transaction. */
export function seedSqlite(db, { hosts, end, hotEvery = 100 }) {
  const created = sqlTime(end - 2 * 86_400_000);
  const addHost = db.prepare(
    'INSERT INTO hosts (host_id, host_name, host_key_hash, description, created_at, last_seen) VALUES (?, ?, ?, NULL, ?, ?)',
  );
  const addSample = db.prepare(
    'INSERT INTO incoming_data (host_id, collected_at, received_at, cpu_pct, mem_pct, disk_pct, load_1) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (let i = 1; i <= hosts; i++) {
      addHost.run(i, hostName(i), keyHash(hostName(i)), created, sqlTime(end));
      for (const row of hostSamples(i, end, hotEvery)) addSample.run(i, ...row);
    }
    db.prepare(
      `INSERT INTO host_alert_checks (host_id, check_id, params_json, enabled)
       SELECT h.host_id, t.check_id, '{}', 1 FROM hosts h CROSS JOIN alert_types t WHERE t.check_key IN (${CHECK_KEYS.map(() => '?').join(', ')})`,
    ).run(...CHECK_KEYS);
  })();
}

function range(from, to) {
  return Array.from({ length: to - from + 1 }, (_, k) => from + k);
}
