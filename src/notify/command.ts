// Run-a-command notifier: `/bin/sh -c <run>` with the payload as JSON on stdin and the fields people
// script most in the environment. Exit 0 is delivered. The command does not inherit this process's
// environment (it holds MONITOR_DATABASE_PASSWORD, MONITOR_HOST_KEY and whatever cron or systemd
// set): only PATH, LANG and HOME, the MONITOR_* event variables, and what its `env:` names.

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { CommandNotifierConfig } from '../config/types.js';
import { UnavailableError } from '../errors.js';
import type { NotificationPayload, Notifier } from './types.js';
import { thresholdText } from './threshold-text.js';

// Enough of stderr to hold its last line; a chatty command must not grow our memory.
const STDERR_KEEP = 8192;
// Linux refuses to exec with one environment string over 128 KiB (E2BIG). The full message is on
// stdin; the variable is for one-liners.
const ENV_VALUE_MAX = 4096;

export function createCommandNotifier(config: CommandNotifierConfig, channel: string, options: { env?: NodeJS.ProcessEnv } = {}): Notifier {
  const baseEnv = minimalEnv(options.env ?? process.env, config.env ?? {});
  return {
    channel,
    send: (payload) => runCommand(config, channel, payload, baseEnv),
  };
}

function runCommand(
  config: CommandNotifierConfig,
  channel: string,
  payload: NotificationPayload,
  baseEnv: NodeJS.ProcessEnv,
): Promise<void> {
  // Not the command line itself: it may carry a token, and this text is logged and stored.
  const what = channel;
  return new Promise<void>((resolve, reject) => {
    let child: ChildProcessByStdio<Writable, null, Readable>;
    try {
      child = spawn('/bin/sh', ['-c', config.run], {
        stdio: ['pipe', 'ignore', 'pipe'],
        env: {
          ...baseEnv,
          MONITOR_EVENT: payload.event,
          MONITOR_HOST: envValue(payload.host_name),
          MONITOR_CHECK: envValue(payload.check_key),
          MONITOR_SEVERITY: payload.severity ?? '',
          MONITOR_MESSAGE: envValue(payload.message),
          MONITOR_VALUE: payload.value === null ? '' : String(payload.value),
          MONITOR_THRESHOLDS: envValue(thresholdText(payload.params)),
        },
        // Its own process group, so a timeout kills what the shell started too, not only the shell.
        detached: true,
      });
    } catch (error) {
      // spawn throws synchronously for some failures (E2BIG, EAGAIN) instead of emitting 'error'.
      reject(new UnavailableError(`${what}: could not start: ${(error as Error).message}`, { cause: error }));
      return;
    }

    let stderr = '';
    let timedOut = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP);
    });

    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, config.timeoutMs);

    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new UnavailableError(`${what}: could not start: ${error.message}`, { cause: error }));
    });
    // The exit status decides. 'close' (stderr drained) usually follows at once, but a command that
    // leaves a background process holding stderr must not be reported as hanging: wait only briefly.
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const settle = () => finish(code, signal);
      const grace = setTimeout(settle, 200);
      child.on('close', () => {
        clearTimeout(grace);
        settle();
      });
    });

    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      child.stderr.destroy();
      if (!timedOut && code === 0) {
        resolve();
        return;
      }
      const last = lastLine(stderr);
      const how = timedOut
        ? `timed out after ${config.timeoutMs}ms and was killed`
        : code !== null
          ? `exited with code ${code}`
          : `was killed by ${signal}`;
      reject(new UnavailableError(`${what} ${how}${last ? `: ${last}` : ''}`));
    };

    // A command that does not read stdin may exit before we finish writing: EPIPE is not a failure,
    // its exit code decides.
    child.stdin.on('error', () => {});
    child.stdin.end(`${JSON.stringify(payload)}\n`);
  });
}

/** What every command gets: enough to find programs and print text, nothing secret. */
const PASSED_THROUGH = ['PATH', 'LANG', 'HOME'] as const;
const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

function minimalEnv(from: NodeJS.ProcessEnv, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: DEFAULT_PATH };
  for (const name of PASSED_THROUGH) if (from[name] !== undefined) env[name] = from[name];
  return { ...env, ...extra };
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function envValue(text: string): string {
  return text.length > ENV_VALUE_MAX ? `${text.slice(0, ENV_VALUE_MAX)}…` : text;
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.at(-1) ?? '';
}
