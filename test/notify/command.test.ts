import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../src/errors.js';
import { createCommandNotifier } from '../../src/notify/command.js';
import { samplePayload } from './fixtures/payload.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'monitor-notify-command-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Alive means running: a killed process may linger as a zombie until its new parent reaps it. */
async function isRunning(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

describe('command notifier', () => {
  it('runs the command with the payload as JSON on stdin and the fields in MONITOR_* variables', async () => {
    const notifier = createCommandNotifier(
      {
        run: `cat > "$DIR/stdin.json"; printf '%s\\n' "$MONITOR_EVENT" "$MONITOR_HOST" "$MONITOR_CHECK" "$MONITOR_SEVERITY" "$MONITOR_MESSAGE" > "$DIR/env.txt"`,
        timeoutMs: 5000,
        env: { DIR: dir },
      },
      'command:0',
      { env: process.env },
    );

    await notifier.send(samplePayload());

    expect(notifier.channel).toBe('command:0');
    expect(JSON.parse(await readFile(join(dir, 'stdin.json'), 'utf8'))).toEqual(samplePayload());
    expect((await readFile(join(dir, 'env.txt'), 'utf8')).split('\n')).toEqual([
      'open',
      'storage-server-04',
      'disk_space',
      'critical',
      "Host 'storage-server-04' disk usage critical: 92%",
      '',
    ]);
  });

  it('sets MONITOR_SEVERITY empty for events without a severity', async () => {
    const notifier = createCommandNotifier(
      { run: `printf '[%s]' "$MONITOR_SEVERITY" > "$DIR/severity.txt"`, timeoutMs: 5000, env: { DIR: dir } },
      'command:0',
      { env: process.env },
    );

    await notifier.send(samplePayload({ event: 'flapping', severity: null }));

    expect(await readFile(join(dir, 'severity.txt'), 'utf8')).toBe('[]');
  });

  it('fails with the exit code and the last line of stderr when the command exits non-zero', async () => {
    const notifier = createCommandNotifier(
      { run: `echo 'starting' >&2; echo 'pager API said: quota exceeded' >&2; exit 3`, timeoutMs: 5000, env: { DIR: dir } },
      'command:1',
    );

    const error = await notifier.send(samplePayload()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toBe('command:1 exited with code 3: pager API said: quota exceeded');
  });

  it('delivers when the command exits 0 without reading a large payload from stdin', async () => {
    const notifier = createCommandNotifier({ run: 'exit 0', timeoutMs: 5000, env: { DIR: dir } }, 'command:0');
    await expect(notifier.send(samplePayload({ message: 'x'.repeat(200_000) }))).resolves.toBeUndefined();
  });

  it('kills a command that outlives timeoutMs, with what it started, and fails', async () => {
    const notifier = createCommandNotifier(
      { run: `sleep 30 & echo $! > "$DIR/child.pid"; wait`, timeoutMs: 400, env: { DIR: dir } },
      'command:0',
      { env: process.env },
    );

    const started = Date.now();
    const error = await notifier.send(samplePayload()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toBe('command:0 timed out after 400ms and was killed');
    expect(Date.now() - started).toBeLessThan(5000);
    const childPid = Number(await readFile(join(dir, 'child.pid'), 'utf8'));
    await expect.poll(() => isRunning(childPid), { timeout: 2000 }).toBe(false);
  });

  it('reports the signal when the command is killed by one', async () => {
    const notifier = createCommandNotifier({ run: 'kill -TERM $$', timeoutMs: 5000, env: { DIR: dir } }, 'command:0');
    await expect(notifier.send(samplePayload())).rejects.toThrow('command:0 was killed by SIGTERM');
  });

  it('does not wait for a background process the command leaves running', async () => {
    const notifier = createCommandNotifier(
      { run: `sleep 30 & echo $! > "$DIR/bg.pid"; exit 0`, timeoutMs: 10_000, env: { DIR: dir } },
      'command:0',
      { env: process.env },
    );

    const started = Date.now();
    await notifier.send(samplePayload());

    expect(Date.now() - started).toBeLessThan(5000);
    process.kill(Number(await readFile(join(dir, 'bg.pid'), 'utf8')), 'SIGKILL');
  });

  it('fails when the command cannot be found', async () => {
    const notifier = createCommandNotifier({ run: 'no-such-notifier-command-xyz', timeoutMs: 5000, env: { DIR: dir } }, 'command:0');
    await expect(notifier.send(samplePayload())).rejects.toThrow(/command:0 exited with code 127: .*not found/);
  });

  it("runs with a minimal environment: PATH, LANG, HOME, the MONITOR_* event variables and the config's env, nothing else", async () => {
    const notifier = createCommandNotifier(
      { run: 'env > "$DIR/env.txt"', timeoutMs: 5000, env: { DIR: dir, PAGER_ROUTE: 'db-team' } },
      'command:0',
      {
        env: {
          PATH: process.env.PATH,
          LANG: 'C.UTF-8',
          HOME: '/home/monitor',
          MONITOR_DATABASE_PASSWORD: 'db-canary-1',
          MONITOR_DB_PASSWORD: 'db-canary-2',
          MONITOR_HOST_KEY: 'key-canary-3',
          AWS_SECRET_ACCESS_KEY: 'aws-canary-4',
        },
      },
    );

    await notifier.send(samplePayload());

    const text = await readFile(join(dir, 'env.txt'), 'utf8');
    expect(text).not.toMatch(/canary/);
    const names = text
      .split('\n')
      .map((line) => line.split('=')[0]!)
      // sh itself sets these.
      .filter((name) => name !== '' && !['PWD', 'SHLVL', 'OLDPWD', '_'].includes(name));
    expect(names.sort()).toEqual(
      [
        'DIR',
        'HOME',
        'LANG',
        'MONITOR_CHECK',
        'MONITOR_EVENT',
        'MONITOR_HOST',
        'MONITOR_MESSAGE',
        'MONITOR_SEVERITY',
        'MONITOR_THRESHOLDS',
        'MONITOR_VALUE',
        'PAGER_ROUTE',
        'PATH',
      ].sort(),
    );
    expect(text).toContain('HOME=/home/monitor\n');
    expect(text).toContain('PAGER_ROUTE=db-team\n');
  });
});
