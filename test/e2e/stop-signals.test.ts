// Stopping `monitor` from outside, as a user or a service manager does: Ctrl-C (SIGINT) and SIGTERM
// end any command within a second with 130/143, its cleanup done (collect's spool lock released and
// its report kept), even while it waits on a server or database that never answers; `demo --pause`
// honours Ctrl-C; a closed standard output (`monitor demo | head -3`) ends the command quietly.
// Real bin/monitor processes, real signals, real pipes.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, isolatedEnv } from '../support/cli.js';
import { useCleanups } from '../support/cleanups.js';
import { closedPort, startSilentServer } from '../support/network.js';
import { useTempDir } from '../support/temp-dir.js';
import { trackedAgents } from '../commands/support-collect/agent.js';
import { FLUSH_LOCK_FILE } from '../../src/agent/spool-lock.js';

const defer = useCleanups();
const agent = trackedAgents(defer);

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Exit code (128 + n when killed by signal n) and ms from `since` to the exit. */
  exited(since?: () => number): Promise<{ code: number; ms: number }>;
  /** Resolves once stdout contains `text`. */
  printed(text: string): Promise<void>;
}

function start(argv: string[], options: { home: string; env?: Record<string, string | undefined> }): Running {
  const child = spawn(process.execPath, [BIN, ...argv], { cwd: options.home, env: isolatedEnv(options), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const waiter of waiters) if (stdout.includes(waiter.text)) waiter.resolve();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const exit = new Promise<{ code: number; at: number }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code: code ?? 128 + (signal === 'SIGKILL' ? 9 : 0), at: Date.now() });
    }),
  );
  defer(() => void child.kill('SIGKILL'));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    async exited(since) {
      const { code, at } = await exit;
      return { code, ms: since ? at - since() : 0 };
    },
    printed: (text) =>
      new Promise<void>((resolve) => {
        if (stdout.includes(text)) resolve();
        else waiters.push({ text, resolve });
      }),
  };
}

/** Sends `signal` and returns a function giving the moment it was sent. */
function send(running: Running, signal: NodeJS.Signals): () => number {
  const at = Date.now();
  running.child.kill(signal);
  return () => at;
}

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('%s', (signal, expectedCode) => {
  const home = useTempDir('monitor-stop-');

  it(`stops collect waiting on a server that never answers within a second, exit ${expectedCode}: report kept, spool lock released`, async () => {
    const silent = await startSilentServer();
    defer(() => silent.close());
    const host = await agent({ serverUrl: silent.url, hostKey: 'mk_key-of-a-host' });
    const running = start(['collect'], { home: host.home, env: host.env });
    running.child.stdin.end();
    await silent.connected;

    const { code, ms } = await running.exited(send(running, signal));
    expect(code).toBe(expectedCode);
    expect(ms).toBeLessThan(1000);
    expect(running.stderr()).toBe(`monitor: stopped by ${signal} — 1 report(s) kept in the spool are sent first on the next run\n`);
    expect(await host.spooled()).toHaveLength(1);
    expect(existsSync(join(host.spoolDir, FLUSH_LOCK_FILE))).toBe(false);
  });

  it(`stops a command waiting on a database connect within a second, exit ${expectedCode}`, async () => {
    const silent = await startSilentServer();
    defer(() => silent.close());
    const running = start(['hosts', 'list', '--database', `mysql://monitor@127.0.0.1:${silent.port}/monitor`], { home: home.path });
    running.child.stdin.end();
    await silent.connected;

    const { code, ms } = await running.exited(send(running, signal));
    expect(code).toBe(expectedCode);
    expect(ms).toBeLessThan(1000);
    expect(running.stderr()).toBe(`monitor: stopped by ${signal}\n`);
  });

  it(`stops demo --pause waiting for Enter, exit ${expectedCode}`, async () => {
    const running = start(['demo', '--pause'], { home: home.path });
    // stdin stays open: the demo waits for Enter as on a terminal.
    await running.printed('press Enter to continue');

    const { code, ms } = await running.exited(send(running, signal));
    expect(code).toBe(expectedCode);
    expect(ms).toBeLessThan(1000);
    expect(running.stderr()).toBe(`monitor: stopped by ${signal}\n`);
    expect(running.stdout()).not.toContain('[2/5]');
  });
});

describe('a closed standard output', () => {
  const home = useTempDir('monitor-stop-pipe-');

  it('ends `monitor demo | head -3` quietly: no EPIPE stack trace, exit 141 as SIGPIPE would', async () => {
    const running = start(['demo'], { home: home.path });
    running.child.stdin.end();
    await running.printed('ingest API:');
    running.child.stdout.destroy(); // what `head -3` does after its third line

    const { code } = await running.exited();
    expect(running.stderr()).toBe('');
    expect(code).toBe(141);
  });
});

describe('serve', () => {
  const home = useTempDir('monitor-stop-serve-');

  it('stops within a second on SIGTERM while it waits on a database connect, exit 143', async () => {
    const silent = await startSilentServer();
    defer(() => silent.close());
    const running = start(
      ['serve', '--listen', `127.0.0.1:${await closedPort()}`, '--database', `mysql://monitor@127.0.0.1:${silent.port}/monitor`],
      { home: home.path },
    );
    running.child.stdin.end();
    await silent.connected;

    const { code, ms } = await running.exited(send(running, 'SIGTERM'));
    expect(code).toBe(143);
    expect(ms).toBeLessThan(1000);
    expect(running.stderr()).toBe('monitor: stopped by SIGTERM\n');
  });

  it('stops on SIGTERM by itself: stops accepting, finishes, exit 0', async () => {
    const port = await closedPort();
    const running = start(['serve', '--listen', `127.0.0.1:${port}`], { home: home.path });
    running.child.stdin.end();
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (running.stderr().includes('monitor serve listening')) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });

    const { code, ms } = await running.exited(send(running, 'SIGTERM'));
    expect(code).toBe(0);
    expect(ms).toBeLessThan(1000);
    expect(running.stderr()).toContain('monitor serve stopped');
  });
});
