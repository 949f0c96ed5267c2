#!/usr/bin/env node
// What the Galera-safe ingest commit (one statement per round trip) would cost on a plain MariaDB,
// against the one-round-trip multi-statement script used there: the same batches (--rows reports
// from --groups requests each) committed back to back through MysqlSampleWriter, the two paths
// alternating batch by batch in the same run. Runs the COMPILED code (`npm run build` first).
//
//   npm run build && node test/bench/commit-paths.mjs [--batches 2000] [--groups 20] [--rows 1]
//   MONITOR_BENCH_MYSQL_URL=mysql://root@127.0.0.1:3306 (default)

import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { databaseConfig, databaseTarget } from './database-config.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return Number(i >= 0 ? args[i + 1] : fallback);
};
const batches = option('batches', 2000);
const groups = option('groups', 20);
const rowsPerGroup = option('rows', 1);
const base = (process.env.MONITOR_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');

const { openStore } = await import('../../dist/store/open-store.js');
const { MysqlSampleWriter } = await import('../../dist/store/mysql/sample-writer.js');

const database = `monitor_bench_paths_${randomBytes(4).toString('hex')}`;
const url = `${base}/${database}`;
const store = await openStore(databaseConfig(url, { poolSize: 2, connectTimeoutMs: 5000 }));
const hostIds = [];
for (let i = 0; i < groups; i++)
  hostIds.push(
    (await store.addHost({ hostName: `bench-${i}`, keyHash: randomBytes(32).toString('hex'), description: null, createdAt: new Date() }))
      .hostId,
  );
const target = databaseTarget(url);
const paths = {
  script: new MysqlSampleWriter(target, { poolSize: 1, connectTimeoutMs: 5000 }),
  statements: new MysqlSampleWriter(target, { poolSize: 1, connectTimeoutMs: 5000 }, 30_000, true),
};
const times = { script: [], statements: [] };
let t = Date.now() - 86_400_000;
const batch = () =>
  hostIds.map((hostId) =>
    Array.from({ length: rowsPerGroup }, () => {
      const at = new Date(++t);
      return {
        hostId,
        collectedAt: at,
        receivedAt: at,
        cpuPct: 1,
        memPct: 2,
        diskPct: 3,
        load1: 0.1,
        datasetName: null,
        partitionKey: null,
        filesCount: null,
        firstEventAt: null,
        lastEventAt: null,
      };
    }),
  );
try {
  for (let i = 0; i < batches; i++) {
    for (const name of i % 2 ? ['statements', 'script'] : ['script', 'statements']) {
      const work = batch();
      const t0 = performance.now();
      await paths[name].write(work);
      if (i >= 50) times[name].push(performance.now() - t0);
    }
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const mean = (list) => list.reduce((a, b) => a + b, 0) / list.length;
  console.log(`commit paths on plain MariaDB: ${batches} batches of ${groups} requests x ${rowsPerGroup} report(s) each, per path`);
  for (const name of ['script', 'statements'])
    console.log(`  ${name.padEnd(10)} median ${median(times[name]).toFixed(3)} ms, mean ${mean(times[name]).toFixed(3)} ms per commit`);
  console.log(`  statements / script (median): ${(median(times.statements) / median(times.script)).toFixed(2)}`);
} finally {
  await paths.script.close();
  await paths.statements.close();
  await store.close();
  const admin = await mysql.createConnection(`${base}/`);
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.end();
}
