// `monitor demo --serve`: after the story the demo's server keeps running with the dashboard, prints
// its URL, and stops cleanly on SIGTERM. A real process with a fresh HOME.

import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { BIN, isolatedEnv } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

const home = useTempDir('monitor-demo-serve-');

it('keeps the server running after the story, prints the dashboard URL and exits 0 on SIGTERM', async () => {
  const child = spawn(process.execPath, [BIN, 'demo', '--serve'], {
    env: isolatedEnv({ home: home.path }),
    cwd: home.path,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no dashboard URL within 40 s:\n${stdout}\n${stderr}`)), 40_000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /Dashboard: (http:\/\/127\.0\.0\.1:[0-9]+)\//.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    expect(stdout).toContain('✅ RESOLVED: Disk Space');
    // hosts.last_seen trails the reports by up to 5 s (serve writes it apart from the samples).
    const states = async () => {
      const fleet = (await (await fetch(`${url}/api/v1/hosts`)).json()) as { hosts: { host_name: string; state: string }[] };
      return fleet.hosts.map((host) => `${host.host_name} ${host.state}`).sort();
    };
    for (const started = Date.now(); Date.now() - started < 8_000 && (await states()).some((line) => line.endsWith('UNKNOWN'));) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await states()).toEqual(['app-server-02 OK', 'db-server-03 OK', 'storage-server-04 OK', 'web-server-01 OK']);
    const history = (await (await fetch(`${url}/api/v1/alerts`)).json()) as { alerts: unknown[] };
    expect(history.alerts).toHaveLength(2);
    expect((await fetch(`${url}/`)).status).toBe(200);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  expect(stderr).toBe('');
}, 60_000);
