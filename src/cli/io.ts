// The process's edges, injectable so commands run in-process in tests with captured output.

import type { Clock } from '../context.js';

export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface RunIO {
  /** Read only by `demo --pause`. */
  stdin: NodeJS.ReadableStream;
  stdout: TextSink;
  stderr: TextSink;
  env: NodeJS.ProcessEnv;
  cwd: string;
  homedir: string;
  clock: Clock;
  /** Aborted to stop long-running commands; defaults to SIGINT/SIGTERM of this process. */
  signal?: AbortSignal;
}
