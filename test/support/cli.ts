// Running `monitor` in tests: in-process through run(argv) with captured output and an injected
// clock (fast, precise), or as a real child process through bin/monitor (end-to-end: exit codes,
// colour on pipes, start-up cost). Both get an isolated environment — a temp HOME and only the
// variables the test passes — so a developer's own MONITOR_* settings never leak in.

import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/main.js';
import type { Clock } from '../../src/context.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = `${PROJECT_ROOT}bin/monitor`;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Temp HOME: XDG defaults (config, data, state) all land under it. */
  home: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** A fixed moment or a clock; default the real clock. */
  now?: Date | Clock;
  stdin?: string;
  /** Pretend stdout/stderr are terminals. */
  tty?: boolean;
  signal?: AbortSignal;
}

export function isolatedEnv(options: CliOptions): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: options.home, TZ: 'UTC', ...options.env };
}

export async function runCli(argv: string[], options: CliOptions): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const clock: Clock | undefined = options.now instanceof Date ? { now: () => new Date((options.now as Date).getTime()) } : options.now;
  const stdin = new PassThrough();
  stdin.end(options.stdin ?? '');
  const code = await run(argv, {
    stdin,
    stdout: { write: (text: string) => (stdout += text), isTTY: options.tty ?? false },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.tty ?? false },
    env: isolatedEnv(options),
    cwd: options.cwd ?? options.home,
    homedir: options.home,
    ...(clock ? { clock } : {}),
    signal: options.signal ?? new AbortController().signal,
  });
  return { code, stdout, stderr };
}

/** bin/monitor as a child process (needs `npm run build` first, as `npm test` does). */
export function spawnCli(
  argv: string[],
  options: CliOptions & { timeoutMs?: number; nodeArgs?: string[]; /** Another entry point (the one-file agent). */ bin?: string },
): Promise<CliResult & { ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.bin ?? BIN, ...argv], {
      cwd: options.cwd ?? options.home,
      env: isolatedEnv(options),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(options.stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, ms: Date.now() - started });
    });
  });
}

// eslint-disable-next-line no-control-regex
export const ANSI_ESCAPE = /\u001b\[[0-9;]*m/;

/** bin/monitor started as a child process the test can signal (kill -9) before it ends. */
export function startCli(
  argv: string[],
  options: CliOptions,
): { pid: number; kill: (signal: NodeJS.Signals) => void; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [BIN, ...argv], {
    cwd: options.cwd ?? options.home,
    env: isolatedEnv(options),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? '');
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
  return { pid: child.pid!, kill: (signal) => child.kill(signal), done };
}
