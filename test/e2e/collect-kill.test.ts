// `monitor collect` as cron runs it — bin/monitor in a child process — killed with SIGKILL in the
// middle of flushing its spool to a real `serve` (startServer on a real socket), either before the
// server saw the request or after it committed the reports but before the agent got the answer.
// The next normal run delivers everything, and every report is stored exactly once.
// Needs `npm run build` first (bin/monitor runs dist/), as `npm test` does.

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, isolatedEnv } from '../support/cli.js';
import { closedPortUrl, lines, makeAgent, type Agent } from '../commands/support-collect/agent.js';
import { createTestDatabase, DATABASE_KINDS, serveOn } from '../commands/support-collect/databases.js';
import { startReportRecorder, type HoldMode, type RecordedRequest } from '../commands/support-collect/report-recorder.js';
import { storedTime } from '../support/quiet.js';
import { useCleanups } from '../support/cleanups.js';

const defer = useCleanups();

/** Starts `monitor collect`, waits until `held` (the recorder holds its request), then SIGKILLs it. */
async function collectKilledWhen(host: Agent, env: Record<string, string>, held: Promise<RecordedRequest>): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, [BIN, 'collect'], {
    cwd: host.home,
    env: isolatedEnv({ home: host.home, env: { ...host.env, ...env } }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  // A run that ends on its own (it failed, or never sent) must fail the test now, not at its timeout.
  await Promise.race([held, exited.then(() => Promise.reject(new Error(`collect exited before its request was held: ${output}`)))]);
  child.kill('SIGKILL');
  return exited;
}

/** collected_at of each spooled report. */
async function spooledTimes(host: Agent): Promise<string[]> {
  return (await host.spooled()).map((report) => report.collected_at);
}

const cases: [string, HoldMode, number][] = [
  // [what happened before the kill, hold mode, rows stored when the agent died]
  ['before the server saw the request', 'request', 0],
  ['after the server committed the reports but before the agent got the answer', 'answer', 1],
];

describe.each(DATABASE_KINDS)('collect killed mid-flush, serve on %s', (kind) => {
  it.for(cases)('loses nothing and stores each report once when killed %s', async ([, mode, storedAtKill], t) => {
    const db = await createTestDatabase(kind, `collect_kill_${mode}`);
    if (!db) return t.skip();
    defer(() => db.drop());
    const server = await serveOn(db, 'web-01');
    defer(() => server.close());
    const wire = await startReportRecorder(server.url);
    defer(() => wire.close());
    const host = await makeAgent({ hostKey: server.hostKey });
    defer(() => host.remove());

    // Run 1: the server is down. The report is spooled; exit 1 with one line.
    const down = await host.spawn(['collect'], { env: { MONITOR_SERVER_URL: await closedPortUrl() } });
    expect(down.code).toBe(1);
    expect(lines(down.stderr)).toHaveLength(1);
    expect(down.stderr).toMatch(/^monitor: could not deliver the report: connection refused/);
    const [first] = await spooledTimes(host);
    expect(first).toBeDefined();

    // Run 2: killed while its flush of run 1's report is held.
    const held = wire.holdNext(mode);
    expect(await collectKilledWhen(host, { MONITOR_SERVER_URL: wire.url }, held)).toBe('SIGKILL');
    expect((await held).reports.map((report) => report.collected_at)).toEqual([first]);
    expect(await db.rows()).toHaveLength(storedAtKill);
    // Nothing left the spool: run 1's report (stored or not) and run 2's own both wait there.
    const waiting = await spooledTimes(host);
    expect(waiting).toHaveLength(2);
    expect(waiting[0]).toBe(first);
    const second = waiting[1]!;

    // Run 3: a normal run takes over the dead run's flush lock and sends everything.
    const next = await host.spawn(['collect'], { env: { MONITOR_SERVER_URL: wire.url } });
    expect(next).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await host.spoolFiles()).toEqual([]);
    const rows = await db.rows();
    expect(rows).toHaveLength(3);
    expect(rows.slice(0, 2).map((row) => row.collected_at)).toEqual([storedTime(first!), storedTime(second)]);
    expect(new Set(rows.map((row) => row.collected_at)).size).toBe(3);
    // Oldest first: the two spooled reports in one batch, then run 3's own.
    const third = rows[2]!.collected_at;
    expect(wire.requests.slice(-2).map((request) => request.reports.map((report) => storedTime(report.collected_at)))).toEqual([
      [storedTime(first!), storedTime(second)],
      [third],
    ]);
    expect(rows.every((row) => row.host_name === 'web-01')).toBe(true);
  });
});
