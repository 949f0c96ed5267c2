// One agent host for the collect tests: its own HOME (so its state dir, spool and default SQLite
// database are its own), a ./monitor.yaml with a short first-run CPU window, and the MONITOR_*
// variables a crontab line would set. Runs `monitor collect` in-process (runCli, injected clock) or
// as a real bin/monitor child (spawnCli), and reads the spool back with plain fs.

import type { Defer } from '../../support/cleanups.js';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WireReport } from '../../../src/reports/report.js';
import { runCli, spawnCli, type CliResult } from '../../support/cli.js';
import { makeTempDir, removeTempDir } from '../../support/temp-dir.js';

export interface AgentOptions {
  hostName?: string;
  serverUrl?: string;
  hostKey?: string;
  databaseUrl?: string;
  /** Extra YAML appended to ./monitor.yaml. */
  yaml?: string;
}

export interface Agent {
  home: string;
  hostName: string;
  configFile: string;
  /** <home>/.local/state/monitor/spool: the XDG default state dir. */
  spoolDir: string;
  env: Record<string, string | undefined>;
  /** In-process; `now` is collected_at. */
  run(argv: string[], options?: { now?: Date; env?: Record<string, string | undefined> }): Promise<CliResult>;
  /** bin/monitor as a child process. */
  spawn(argv: string[], options?: { env?: Record<string, string | undefined>; nodeArgs?: string[] }): Promise<CliResult>;
  /** Spooled reports in the order they will be sent (file name order); set-aside files excluded. */
  spooled(): Promise<WireReport[]>;
  spoolFiles(): Promise<string[]>;
  remove(): Promise<void>;
}

export async function makeAgent(options: AgentOptions = {}): Promise<Agent> {
  const home = await makeTempDir('monitor-collect-agent-');
  const hostName = options.hostName ?? 'web-01';
  const configFile = join(home, 'monitor.yaml');
  // 50 ms instead of 1 s: only the first run of a state dir waits, and every test starts with one.
  await writeFile(configFile, `agent:\n  sample_window: 50ms\n${options.yaml ?? ''}`);
  const spoolDir = join(home, '.local/state/monitor/spool');
  const env: Record<string, string | undefined> = {
    MONITOR_HOST_NAME: hostName,
    MONITOR_SERVER_URL: options.serverUrl,
    MONITOR_HOST_KEY: options.hostKey,
    MONITOR_DATABASE_URL: options.databaseUrl,
  };
  const spoolFiles = async (): Promise<string[]> => {
    try {
      return (await readdir(spoolDir)).filter((name) => name.endsWith('.json') && !name.startsWith('.')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  };
  await mkdir(home, { recursive: true });
  return {
    home,
    hostName,
    configFile,
    spoolDir,
    env,
    run: (argv, runOptions = {}) =>
      runCli(argv, { home, env: { ...env, ...runOptions.env }, ...(runOptions.now ? { now: runOptions.now } : {}) }),
    spawn: (argv, spawnOptions = {}) =>
      spawnCli(argv, { home, env: { ...env, ...spawnOptions.env }, ...(spawnOptions.nodeArgs ? { nodeArgs: spawnOptions.nodeArgs } : {}) }),
    async spooled() {
      const reports: WireReport[] = [];
      for (const file of await spoolFiles()) {
        const parsed = JSON.parse(await readFile(join(spoolDir, file), 'utf8')) as { reports: WireReport[] };
        reports.push(...parsed.reports);
      }
      return reports;
    },
    spoolFiles,
    remove: () => removeTempDir(home),
  };
}

/** Minutes before the real now: collected_at values the server accepts, in a known order. */
export function minutesAgo(minutes: number, base = Date.now()): Date {
  return new Date(base - minutes * 60_000);
}

/** stderr's lines, without the trailing empty one. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

/** makeAgent, with each agent removed after the test. */
export function trackedAgents(defer: Defer): (options?: AgentOptions) => Promise<Agent> {
  return async (options = {}) => {
    const made = await makeAgent(options);
    defer(() => made.remove());
    return made;
  };
}

export { closedPortUrl } from '../../support/network.js';
