// Scale-out, proven on a real 3-node MariaDB Galera cluster on loopback (test/support/galera-cluster.mjs):
// several `serve`s and `check`s, one per node, as real processes. Printed figures say what each part
// showed. Needs root, mariadbd, galera-4 and rsync (.ci/run installs them); skipped loudly without,
// required under CI. Runs alone after the main suite (vitest.galera.config.ts).
//
//   (a) three serves, hot hosts, many connections, 20 s: every acknowledged report is a row on
//       every node, none twice, and the reply counts add up to the rows (a report sent to two nodes
//       at once is accepted by one of them only);
//   (b) `check` on two nodes at once over 50 rounds of flipping data: NEW ALERT lines = alerts
//       opened, never two open for one host and check, each transition delivered once to a webhook;
//   (c) a node killed with -9 under load: its serve answers 503, the others go on, nothing
//       acknowledged is lost, and while it rejoins its serve answers 503, never 500;
//   and the parts around them: /healthz on a node that is desynced or refusing queries, 1047 as
//   a one-line outage for `check`, two `db migrate` on two nodes at once, a rollout of agents
//   registering themselves through every node at once, `hosts remove` of a long history under a
//   write-set row limit.

import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateHostKey, hashHostKey } from '../../src/hosts/host-key.js';
import { generateRegistrationToken, hashRegistrationToken, registerWithToken } from '../../src/hosts/self-register.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { runCli, spawnCli } from '../support/cli.js';
import { listenOnLoopback } from '../support/network.js';
import { makeTempDir, removeTempDir } from '../support/temp-dir.js';
import { startGaleraCluster, type GaleraCluster } from '../support/galera-cluster.mjs';
import {
  describeGalera,
  formatStatuses,
  runLoad,
  startServe,
  storedReports,
  uniqueDatabase,
  type AgentHost,
  type ServeProcess,
  type StatusLog,
} from './support.js';
import { databaseConfig } from '../support/database-config.js';

const report = (line: string): void => void process.stdout.write(`  [galera] ${line}\n`);

describeGalera('scale-out on a 3-node Galera cluster', () => {
  let cluster: GaleraCluster;
  let home: string;

  beforeAll(async () => {
    const started = Date.now();
    cluster = await startGaleraCluster();
    home = await makeTempDir('monitor-galera-home-');
    report(
      `3 nodes synced in ${((Date.now() - started) / 1000).toFixed(1)} s (ports ${cluster.nodes.map((node) => node.port).join(', ')})`,
    );
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
    if (home) await removeTempDir(home);
  }, 60_000);

  /** A migrated database with `count` hosts and their keys, made through node 1. */
  async function fleet(database: string, count: number): Promise<AgentHost[]> {
    const store = await openStore(databaseConfig(cluster.nodes[0]!.url(database), { poolSize: 2, connectTimeoutMs: 5_000 }));
    try {
      const hosts: AgentHost[] = [];
      for (let i = 0; i < count; i++) {
        const host = { name: `host-${String(i + 1).padStart(2, '0')}`, key: generateHostKey() };
        await store.addHost({ hostName: host.name, keyHash: hashHostKey(host.key), description: null, createdAt: new Date() });
        hosts.push(host);
      }
      return hosts;
    } finally {
      await store.close();
    }
  }

  async function serveOnEveryNode(database: string): Promise<ServeProcess[]> {
    return Promise.all(cluster.nodes.map((node) => startServe(node, database, home)));
  }

  /**
   * `inFlight`: requests that may have been written but never answered 202 — those in flight on a
   * node killed with -9 (its write-set certified on the others, the reply lost with it). The agent
   * sends such a report again and the store takes it as a duplicate: nothing is promised about it.
   */
  async function expectOnEveryNode(database: string, acknowledged: Set<string>, accepted: number, inFlight = 0): Promise<void> {
    for (const node of cluster.nodes) {
      const stored = await storedReports(node, database);
      const set = new Set(stored);
      const missing = [...acknowledged].filter((key) => !set.has(key));
      report(`${node.name}: ${stored.length} rows, ${set.size} distinct, ${missing.length} acknowledged reports missing`);
      expect(missing.slice(0, 5)).toEqual([]);
      expect(set.size).toBe(stored.length);
      // The replies' counts are true: as many rows as were answered "accepted", and at most the
      // unanswered requests of a killed node more.
      expect(stored.length).toBeGreaterThanOrEqual(accepted);
      expect(stored.length - accepted).toBeLessThanOrEqual(inFlight);
    }
  }

  it('(a) three serves, hot hosts, 24 connections for 20 s: every acknowledged report is one row on every node', async () => {
    const database = uniqueDatabase('ingest');
    const hosts = await fleet(database, 12);
    const serves = await serveOnEveryNode(database);
    try {
      const load = await runLoad({ serves, hosts, hot: 2, connections: 24, durationMs: 20_000, doubleEvery: 7 });
      const statuses = serves.map((_, i) => `serve ${i + 1}: ${formatStatuses(load.statuses.get(i))}`);
      report(
        `(a) ${load.acknowledged.size} reports acknowledged (${load.doubled} sent to two serves at once); accepted ${load.accepted}, duplicates ${load.duplicates}`,
      );
      report(`(a) ${statuses.join('; ')}`);
      expect(load.acknowledged.size).toBeGreaterThan(500);
      for (const byStatus of load.statuses.values()) for (const status of byStatus.keys()) expect([202, 503]).toContain(status);
      await expectOnEveryNode(database, load.acknowledged, load.accepted);
      // last_seen is refreshed apart from the sample writes, at most every 5 s: after the serves stop
      // (their final refresh), each hot host's last_seen is that of its newest report or later.
    } finally {
      await Promise.all(serves.map((serve) => serve.stop()));
    }
    const [rows] = (await cluster.nodes[2]!.read(
      `SELECT COUNT(*) AS n FROM ${database}.hosts WHERE host_name IN ('host-01', 'host-02') AND last_seen IS NOT NULL`,
    )) as unknown as [{ n: number }];
    expect(Number(rows.n)).toBe(2);
  }, 120_000);

  it('(b) check on two nodes at once over 50 rounds of flipping disks: one NEW ALERT line per alert, one webhook per transition', async () => {
    const database = uniqueDatabase('check');
    const hosts = await fleet(database, 5);
    const deliveries: { alert_id: number; event: string }[] = [];
    const webhook: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const payload = JSON.parse(body) as { alert_id: number; event: string };
        deliveries.push({ alert_id: payload.alert_id, event: payload.event });
        res.writeHead(204).end();
      });
    });
    const port = await listenOnLoopback(webhook);
    const config = join(home, 'check.yaml');
    await writeFile(
      config,
      `alerting:\n  flap_high: 100\n  flap_low: 99\n` +
        `check_types:\n  disk_space:\n    cooldown: 0s\n` +
        `default_checks: [disk_space]\n` +
        `notify:\n  webhook:\n    - url: http://127.0.0.1:${port}/hook\n      timeout: 5s\n`,
    );
    const writer = await mysql.createConnection({ uri: cluster.nodes[0]!.url(database) });
    // In-process (two stores, two pools, two lease owners), so 50 rounds fit the time budget;
    // the real-process overlap of `check` is test/e2e/check-concurrency.test.ts.
    const runCheck = (node: number) =>
      runCli(['check'], { home, env: { MONITOR_CONFIG: config, MONITOR_DATABASE_URL: cluster.nodes[node]!.url(database) } });
    let announced = 0;
    let resolvedLines = 0;
    let skipped = 0;
    let maxOpen = 0;
    try {
      const [ids] = await writer.query<mysql.RowDataPacket[]>('SELECT host_id FROM hosts ORDER BY host_id');
      for (let round = 1; round <= 50; round++) {
        // Two rounds full, two rounds fine: flipping, but never a state change at every evaluation,
        // which flap detection (at flap_high: 100) would rightly hold back.
        const disk = round % 4 === 1 || round % 4 === 2 ? 95 : 10;
        const now = new Date(Date.now() - 1000).toISOString().slice(0, 23).replace('T', ' ');
        await writer.query('INSERT INTO incoming_data (host_id, collected_at, received_at, disk_pct, dataset_name) VALUES ?', [
          ids.map((row) => [row.host_id as number, now, now, disk, '']),
        ]);
        // The checkers' nodes have applied it before they read (Galera reads are not causal by default).
        await Promise.all([cluster.nodes[1]!.read('SELECT 1'), cluster.nodes[2]!.read('SELECT 1')]);
        const runs = await Promise.all([runCheck(1), runCheck(2)]);
        for (const run of runs) {
          expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
          announced += run.stdout.split('\n').filter((line) => line.includes('NEW ALERT')).length;
          resolvedLines += run.stdout.split('\n').filter((line) => line.includes('RESOLVED')).length;
          if (/another `monitor check` run holds the lease/.test(run.stdout + run.stderr)) skipped++;
        }
        const [open] = await writer.query<mysql.RowDataPacket[]>(
          "SELECT MAX(n) AS most FROM (SELECT COUNT(*) AS n FROM alerts WHERE status = 'open' GROUP BY host_id, check_id) o",
        );
        maxOpen = Math.max(maxOpen, Number(open[0]!.most ?? 0));
      }
    } finally {
      await writer.end();
      await new Promise((resolve) => webhook.close(resolve));
    }
    const alerts = await storedAlerts(cluster.nodes[1]!.url(database));
    const opened = alerts.length;
    const resolved = alerts.filter((alert) => alert.status === 'resolved').length;
    const perTransition = new Map<string, number>();
    for (const delivery of deliveries.filter((d) => d.event === 'open' || d.event === 'resolve'))
      perTransition.set(`${delivery.alert_id}:${delivery.event}`, (perTransition.get(`${delivery.alert_id}:${delivery.event}`) ?? 0) + 1);
    const twice = [...perTransition].filter(([, count]) => count > 1);
    report(
      `(b) 50 rounds x 2 checkers: ${opened} alerts opened, ${announced} NEW ALERT lines; ${resolved} resolved, ${resolvedLines} RESOLVED lines; ` +
        `${deliveries.length} webhooks for ${perTransition.size} transitions (${twice.length} delivered twice); most open at once per host and check: ${maxOpen}; ${skipped} runs found the lease taken`,
    );
    expect(opened).toBe(hosts.length * 13);
    expect(announced).toBe(opened);
    expect(resolvedLines).toBe(resolved);
    expect(maxOpen).toBe(1);
    expect(twice).toEqual([]);
    expect(perTransition.size).toBe(opened + resolved);
  }, 240_000);

  it('(c) a node killed with -9 under load: its serve answers 503, the others go on, nothing acknowledged is lost; rejoining gives 503s, never 500s', async () => {
    const database = uniqueDatabase('kill');
    const hosts = await fleet(database, 8);
    const serves = await serveOnEveryNode(database);
    const victim = cluster.nodes[2]!;
    const statusLog: StatusLog = [];
    let killedAt = 0;
    // Set inside the callback below; the cast keeps TypeScript from narrowing it to null for good.
    let restarting = null as Promise<void> | null;
    let rejoinedAt = 0;
    try {
      const load = await runLoad({
        serves,
        hosts,
        hot: 2,
        connections: 12,
        durationMs: 24_000,
        statusLog,
        onTick: (elapsed) => {
          if (elapsed >= 3_000 && killedAt === 0) {
            killedAt = Date.now();
            void victim.kill();
          }
          if (elapsed >= 10_000 && restarting === null) {
            restarting = victim.start({ timeoutMs: 60_000 }).then(() => void (rejoinedAt = Date.now()));
          }
        },
      });
      await restarting;
      const after = (serve: number, from: number, to = Infinity) => {
        const counts = new Map<number, number>();
        for (const entry of statusLog)
          if (entry.serve === serve && entry.at >= from && entry.at < to) counts.set(entry.status, (counts.get(entry.status) ?? 0) + 1);
        return counts;
      };
      const down = after(2, killedAt + 500, killedAt + 7_000);
      report(`(c) killed ${victim.name} at 3 s, restarted at 10 s, synced again after ${((rejoinedAt - killedAt) / 1000).toFixed(1)} s`);
      for (let serve = 0; serve < 3; serve++)
        report(
          `(c) serve ${serve + 1}: ${formatStatuses(load.statuses.get(serve))}; while node 3 was down: ${formatStatuses(after(serve, killedAt + 500, killedAt + 7_000))}`,
        );
      // Its serve: 503s while its node is gone; never a 500, before, during or after.
      expect(down.get(503) ?? 0).toBeGreaterThan(0);
      expect(down.get(202) ?? 0).toBe(0);
      for (const byStatus of load.statuses.values()) for (const status of byStatus.keys()) expect([202, 503]).toContain(status);
      // The others went on once the cluster had dropped the dead node.
      for (const serve of [0, 1]) expect(after(serve, killedAt + 7_000).get(202) ?? 0).toBeGreaterThan(20);
      await victim.waitSynced(60_000);
      // 12 connections over 3 serves, one request at a time: at most 4 in flight on the killed node.
      await expectOnEveryNode(database, load.acknowledged, load.accepted, 12 / 3);
    } finally {
      await Promise.all(serves.map((serve) => serve.stop()));
    }
  }, 180_000);

  it('/healthz answers 503 on a desynced node and on one refusing queries (where SELECT 1 still works); its POSTs get 503, never 500', async () => {
    const database = uniqueDatabase('health');
    const [host] = await fleet(database, 1);
    const node = cluster.nodes[1]!;
    const serve = await startServe(node, database, home);
    try {
      const health = async () => (await fetch(`${serve.url}/healthz`)).status;
      expect(await health()).toBe(200);
      await node.admin('SET GLOBAL wsrep_desync = ON');
      try {
        expect(await health()).toBe(503);
      } finally {
        await node.admin('SET GLOBAL wsrep_desync = OFF');
      }
      await node.waitSynced();
      expect(await health()).toBe(200);

      await node.admin('SET GLOBAL wsrep_reject_queries = ALL');
      let post: Response;
      try {
        expect(await health()).toBe(503);
        post = await fetch(`${serve.url}/api/v1/reports`, {
          method: 'POST',
          headers: { authorization: `Bearer ${host!.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ host_name: host!.name, collected_at: new Date().toISOString(), cpu_pct: 1 }),
        });
        const check = await spawnCli(['check'], { home, env: { MONITOR_DATABASE_URL: node.url(database) }, timeoutMs: 60_000 });
        report(`(health) check on a node refusing queries: exit ${check.code}: ${check.stderr.trim()}`);
        expect(check.code).toBe(1);
        expect(check.stderr).toMatch(
          /^monitor: MySQL node at 127\.0\.0\.1:\d+ is not ready to take queries \(WSREP has not yet prepared node for application use\) — /,
        );
        expect(check.stderr.trim().split('\n')).toHaveLength(1);
      } finally {
        await node.admin('SET GLOBAL wsrep_reject_queries = NONE');
      }
      report(
        `(health) POST to a node refusing queries: ${post.status} ${await post.text()}, Retry-After ${post.headers.get('retry-after')}`,
      );
      expect(post.status).toBe(503);
      expect(post.headers.get('retry-after')).not.toBeNull();
      expect(await health()).toBe(200);
      expect(serve.log()).not.toMatch(/request failed/);
    } finally {
      await serve.stop();
    }
  }, 120_000);

  it('db migrate on two nodes at once, 30 times on fresh databases: both succeed every time', async () => {
    let failures = 0;
    // In-process (what `db migrate` runs: open without migrating, then migrate), so 30 rounds fit.
    const migrate = async (node: number, database: string): Promise<void> => {
      const store = await openStore(databaseConfig(cluster.nodes[node]!.url(database), { poolSize: 2, connectTimeoutMs: 5_000 }), {
        migrate: 'never',
      });
      try {
        await store.migrate();
      } finally {
        await store.close();
      }
    };
    for (let round = 0; round < 30; round++) {
      const database = uniqueDatabase(`migrate${round}`);
      const outcomes = await Promise.allSettled([migrate(0, database), migrate(1, database)]);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          failures++;
          report(`(migrate) round ${round + 1}: ${String(outcome.reason)}`);
        }
      }
      const [versions] = (await cluster.nodes[2]!.read(`SELECT COUNT(*) AS n FROM ${database}.schema_migrations`)) as unknown as [
        { n: number },
      ];
      expect(Number(versions.n)).toBeGreaterThanOrEqual(3);
    }
    // And once through the command, as an operator runs it.
    const database = uniqueDatabase('migrate_cli');
    const runs = await Promise.all(
      [0, 1].map((node) =>
        spawnCli(['db', 'migrate'], { home, env: { MONITOR_DATABASE_URL: cluster.nodes[node]!.url(database) }, timeoutMs: 60_000 }),
      ),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    report(`(migrate) 30 rounds of two migrates at once on two nodes: ${failures} failed`);
    expect(failures).toBe(0);
  }, 180_000);

  it('a rollout: 90 agents registering at once with one token through all three nodes all get their key', async () => {
    const database = uniqueDatabase('register');
    const stores = await Promise.all(
      cluster.nodes.map((node) => openStore(databaseConfig(node.url(database), { poolSize: 8, connectTimeoutMs: 5_000 }))),
    );
    try {
      const token = generateRegistrationToken();
      await stores[0]!.addRegistrationToken({
        name: 'rollout',
        tokenHash: hashRegistrationToken(token),
        createdAt: new Date(),
        expiresAt: null,
        allowReregister: false,
      });
      // Every registration also counts a use on the one token row: on Galera, concurrent commits of
      // that row on different nodes fail certification, which only a retry gets through.
      const outcomes = await Promise.allSettled(
        Array.from({ length: 90 }, (_, i) =>
          registerWithToken(stores[i % 3]!, { token, hostName: `new-${String(i).padStart(2, '0')}`, now: new Date() }),
        ),
      );
      const failed = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => String(outcome.reason));
      report(`(register) 90 registrations at once over 3 nodes: ${90 - failed.length} keys, ${failed.length} failed`);
      expect(failed.slice(0, 3)).toEqual([]);
      const [row] = (await cluster.nodes[2]!.read(`SELECT COUNT(*) AS n FROM ${database}.hosts`)) as unknown as [{ n: number }];
      expect(Number(row.n)).toBe(90);
      expect((await stores[1]!.listRegistrationTokens())[0]).toMatchObject({ name: 'rollout', uses: 90 });
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  }, 120_000);

  it('hosts remove deletes a long history in batches, within a write-set row limit a single transaction would exceed', async () => {
    const database = uniqueDatabase('remove');
    const [host] = await fleet(database, 1);
    let store: Store | null = null;
    const node = cluster.nodes[0]!;
    await node.admin('SET GLOBAL wsrep_max_ws_rows = 8000');
    try {
      store = await openStore(databaseConfig(node.url(database), { poolSize: 2, connectTimeoutMs: 5_000 }));
      const found = await store.findHostByName(host!.name);
      const start = Date.now() - 30 * 86_400_000;
      for (let part = 0; part < 4; part++) {
        const samples = Array.from({ length: 5_000 }, (_, i) => {
          const at = new Date(start + (part * 5_000 + i) * 60_000);
          return {
            hostId: found!.hostId,
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
        });
        await store.insertSamples(samples);
      }
      await store.close();
      store = null;
      const removed = await spawnCli(['hosts', 'remove', host!.name, '--yes'], {
        home,
        env: { MONITOR_DATABASE_URL: node.url(database) },
        timeoutMs: 60_000,
      });
      report(
        `(remove) 20,000 samples under wsrep_max_ws_rows = 8000: exit ${removed.code} ${removed.stdout.trim()}${removed.stderr.trim()}`,
      );
      expect(removed.code, removed.stderr).toBe(0);
      const [rows] = (await cluster.nodes[1]!.read(`SELECT COUNT(*) AS n FROM ${database}.incoming_data`)) as unknown as [{ n: number }];
      expect(Number(rows.n)).toBe(0);
    } finally {
      await store?.close();
      await node.admin('SET GLOBAL wsrep_max_ws_rows = 0');
    }
  }, 120_000);
});

async function storedAlerts(url: string): Promise<{ alert_id: number; status: string }[]> {
  const connection = await mysql.createConnection({ uri: url });
  try {
    await connection.query('SET SESSION wsrep_sync_wait = 1');
    const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT alert_id, status FROM alerts ORDER BY alert_id');
    return rows as { alert_id: number; status: string }[];
  } finally {
    await connection.end();
  }
}
