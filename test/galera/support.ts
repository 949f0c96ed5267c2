// What the Galera suite runs on the cluster: `monitor serve` processes (bin/monitor, real
// processes), a load of agents posting reports over keep-alive HTTP, and reads of every node.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { describe } from 'vitest';
import { BIN } from '../support/cli.js';
import { requireOrSkip } from '../support/mysql.js';
import { closedPort } from '../support/network.js';
import { galeraUnavailableReason, type GaleraNode } from '../support/galera-cluster.mjs';

/** describe() that runs only where a Galera cluster can be started; loud skip, or a failure under CI. */
export function describeGalera(name: string, fn: () => void): void {
  const reason = galeraUnavailableReason();
  if (
    requireOrSkip(
      name,
      'a 3-node Galera cluster (galera-4, rsync, root)',
      reason === null ? null : `cannot start a Galera cluster: ${reason}`,
      fn,
    )
  )
    describe(name, fn);
}

export interface ServeProcess {
  readonly url: string;
  readonly node: GaleraNode;
  /** Everything it logged (JSON lines). */
  log(): string;
  stop(): Promise<void>;
}

/** `monitor serve` on a free loopback port, its database on `node`. */
export async function startServe(node: GaleraNode, database: string, home: string): Promise<ServeProcess> {
  const port = await closedPort();
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--listen', `127.0.0.1:${port}`], {
    cwd: home,
    env: { PATH: process.env.PATH, HOME: home, TZ: 'UTC', MONITOR_DATABASE_URL: node.url(database) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${log}`)), 30_000);
    const onData = (): void => {
      if (log.includes('monitor serve listening')) {
        clearTimeout(timer);
        child.stderr!.off('data', onData);
        resolve();
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${log}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    node,
    log: () => log,
    stop: async () => {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface AgentHost {
  name: string;
  key: string;
}

export interface LoadResult {
  /** "host|collected_at" of every report answered 202. */
  acknowledged: Set<string>;
  /** Sum of `accepted` over every 202. */
  accepted: number;
  duplicates: number;
  /** Answers per serve (index) and status. */
  statuses: Map<number, Map<number, number>>;
  /** Requests sent to two serves at once (the same report). */
  doubled: number;
}

/** Per serve, what it answered after `since` (ms since epoch). */
export type StatusLog = { serve: number; at: number; status: number }[];

let uniqueMs = 0;

/**
 * `connections` agents, spread over `serves`, each posting one report at a time for `durationMs`;
 * every `doubleEvery`-th report goes to two serves at once. Hot hosts get most reports.
 */
export async function runLoad(options: {
  serves: readonly { url: string }[];
  hosts: readonly AgentHost[];
  hot: number;
  connections: number;
  durationMs: number;
  doubleEvery?: number;
  /** Called every 100 ms with the elapsed ms (to kill a node mid-run, say). */
  onTick?: (elapsedMs: number) => void | Promise<void>;
  statusLog?: StatusLog;
}): Promise<LoadResult> {
  const result: LoadResult = { acknowledged: new Set(), accepted: 0, duplicates: 0, statuses: new Map(), doubled: 0 };
  const start = Date.now();
  const end = start + options.durationMs;
  // Reports a day old, one millisecond apart: every report a new row, never in the future.
  const base = Date.now() - 86_400_000;
  let sent = 0;

  const post = async (serve: number, host: AgentHost, collectedAt: string): Promise<void> => {
    let status: number;
    let body: { accepted?: number; duplicates?: number } = {};
    try {
      const response = await fetch(`${options.serves[serve]!.url}/api/v1/reports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${host.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ host_name: host.name, collected_at: collectedAt, cpu_pct: 10, mem_pct: 20, disk_pct: 30, load_1: 0.5 }),
        signal: AbortSignal.timeout(20_000),
      });
      status = response.status;
      body = (await response.json()) as typeof body;
    } catch {
      status = 0;
    }
    const byStatus = result.statuses.get(serve) ?? new Map<number, number>();
    result.statuses.set(serve, byStatus);
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    options.statusLog?.push({ serve, at: Date.now(), status });
    if (status === 202) {
      result.acknowledged.add(`${host.name}|${collectedAt}`);
      result.accepted += body.accepted ?? 0;
      result.duplicates += body.duplicates ?? 0;
    } else if (status === 0) {
      // A refused connection (serve stopped) or a timeout: no answer, nothing promised.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const agent = async (index: number): Promise<void> => {
    const serve = index % options.serves.length;
    while (Date.now() < end) {
      sent++;
      const host =
        sent % 4 === 0 ? options.hosts[options.hot + (sent % (options.hosts.length - options.hot))]! : options.hosts[sent % options.hot]!;
      const collectedAt = new Date(base + ++uniqueMs).toISOString();
      if (options.doubleEvery && sent % options.doubleEvery === 0) {
        result.doubled++;
        await Promise.all([post(serve, host, collectedAt), post((serve + 1) % options.serves.length, host, collectedAt)]);
      } else {
        await post(serve, host, collectedAt);
      }
    }
  };

  let ticking = true;
  const ticker = (async () => {
    while (ticking) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (ticking) await options.onTick?.(Date.now() - start);
    }
  })();
  await Promise.all(Array.from({ length: options.connections }, (_, i) => agent(i)));
  ticking = false;
  await ticker;
  return result;
}

/** Every stored report as "host|collected_at" on one node, read after the node applied all it received. */
export async function storedReports(node: GaleraNode, database: string): Promise<string[]> {
  const connection = await mysql.createConnection({ uri: node.url(database), dateStrings: true });
  try {
    // Wait until this node has applied every write-set the cluster committed before this read.
    await connection.query('SET SESSION wsrep_sync_wait = 1');
    const [rows] = await connection.query<mysql.RowDataPacket[]>(
      'SELECT h.host_name, d.collected_at FROM incoming_data d JOIN hosts h ON h.host_id = d.host_id',
    );
    return rows.map((row) => `${row.host_name as string}|${String(row.collected_at).replace(' ', 'T')}Z`);
  } finally {
    await connection.end();
  }
}

export function uniqueDatabase(label: string): string {
  return `monitor_galera_${label}_${randomBytes(3).toString('hex')}`;
}

/** "202: 1234, 503: 5" */
export function formatStatuses(statuses: Map<number, number> | undefined): string {
  return [...(statuses ?? new Map<number, number>())]
    .sort((a, b) => a[0] - b[0])
    .map(([status, count]) => `${status === 0 ? 'no answer' : status}: ${count}`)
    .join(', ');
}
