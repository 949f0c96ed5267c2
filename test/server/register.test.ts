// Self-registration end to end, on SQLite and MariaDB: `monitor tokens add` makes a token, an agent
// with it and no host key registers itself on its first collect (POST /api/v1/register on the real
// ingest server), saves its key 0600 in its state dir and uses it from then on; `hosts list` shows how
// the host came. Taken names, revoked and expired tokens, the answers' sameness, and the rate limit.

import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { generateHostKey } from '../../src/hosts/host-key.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { makeTempDir, removeTempDir } from '../support/temp-dir.js';
import { lines, trackedAgents } from '../commands/support-collect/agent.js';
import {
  createTestDatabase,
  DATABASE_KINDS,
  serveOn,
  type ServeFixture,
  type TestDatabase,
} from '../commands/support-collect/databases.js';

const defer = useCleanups();
const agent = trackedAgents(defer);

describe.each(DATABASE_KINDS)('self-registration on %s', (kind) => {
  async function setup(
    label: string,
  ): Promise<{ db: TestDatabase; server: ServeFixture; admin: (argv: string[], now?: Date) => ReturnType<typeof runCli> } | null> {
    const db = await createTestDatabase(kind, label);
    if (!db) return null;
    defer(() => db.drop());
    // web-01 is registered by hand (hosts add's way); the agents below are other hosts unless said.
    const server = await serveOn(db, 'web-01');
    defer(() => server.close());
    const home = await makeTempDir('monitor-tokens-admin-');
    defer(() => removeTempDir(home));
    const admin = (argv: string[], now?: Date) => runCli(argv, { home, env: { MONITOR_DATABASE_URL: db.url }, ...(now ? { now } : {}) });
    return { db, server, admin };
  }

  async function tokenFrom(admin: (argv: string[]) => ReturnType<typeof runCli>, argv: string[]): Promise<string> {
    const made = await admin(['tokens', 'add', ...argv, '--json']);
    expect(made).toMatchObject({ code: 0, stderr: '' });
    return (JSON.parse(made.stdout) as { token: string }).token;
  }

  it('registers on the first collect, saves the key 0600, sends with it from then on, and hosts list says how it came', async (t) => {
    const ctx = await setup('register_first_run');
    if (!ctx) return t.skip();
    const token = await tokenFrom(ctx.admin, ['fleet']);
    const host = await agent({ hostName: 'new-01', serverUrl: ctx.server.url });

    const first = await host.run(['collect'], { env: { MONITOR_REGISTRATION_TOKEN: token } });
    expect(first).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const keyFile = join(host.home, '.local/state/monitor/host-key');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const key = (await readFile(keyFile, 'utf8')).trim();
    expect(key).toMatch(/^mk_/);

    // The token is no longer needed: the saved key is used (a revoked token changes nothing).
    expect((await ctx.admin(['tokens', 'revoke', 'fleet'])).code).toBe(0);
    const second = await host.run(['collect']);
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect((await ctx.db.rows()).filter((row) => row.host_name === 'new-01')).toHaveLength(2);

    const listed = JSON.parse((await ctx.admin(['hosts', 'list', '--json'])).stdout) as {
      host_name: string;
      registered_by: string | null;
    }[];
    expect(listed.map((row) => [row.host_name, row.registered_by])).toEqual([
      ['new-01', 'fleet'],
      ['web-01', null],
    ]);
    const table = (await ctx.admin(['hosts', 'list'])).stdout;
    expect(table).toMatch(/new-01 .*token fleet/);
    expect(table).toMatch(/web-01 .*by hand/);
    const tokens = JSON.parse((await ctx.admin(['tokens', 'list', '--json'])).stdout) as { name: string; status: string; uses: number }[];
    expect(tokens).toMatchObject([{ name: 'fleet', status: 'revoked', uses: 1 }]);
  });

  it('survives a lost answer: the agent proposes the key it saved first, and asking again with it succeeds instead of finding its own name taken', async (t) => {
    const ctx = await setup('register_lost_answer');
    if (!ctx) return t.skip();
    const token = await tokenFrom(ctx.admin, ['fleet']);
    const host = await agent({ hostName: 'new-02', serverUrl: ctx.server.url });
    const stateDir = join(host.home, '.local/state/monitor');
    const ask = async (body: unknown) => {
      const response = await fetch(`${ctx.server.url}/api/v1/register`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { host_key?: string; error?: string } };
    };

    // A key that is not one the agent made is refused, and registers nothing.
    expect(await ask({ host_name: 'new-02', host_key: 'mk_short' })).toMatchObject({ status: 400 });
    expect(await ask({ host_name: 'new-02', host_key: 42 })).toMatchObject({ status: 400 });

    // The first attempt as the agent makes it: the pending key saved 0600, then the POST, whose
    // answer is lost (the agent was killed before it read it). The server did register the host.
    const pending = generateHostKey();
    await mkdir(stateDir, { recursive: true });
    await writeFile(join(stateDir, 'host-key.pending'), `${pending}\n`, { mode: 0o600 });
    expect(await ask({ host_name: 'new-02', host_key: pending })).toEqual({
      status: 201,
      body: { host_name: 'new-02', host_key: pending },
    });

    // The next run asks again with the same key: accepted, saved as the key, the pending file gone.
    const next = await host.run(['collect'], { env: { MONITOR_REGISTRATION_TOKEN: token } });
    expect(next).toMatchObject({ code: 0, stderr: '' });
    expect((await readFile(join(stateDir, 'host-key'), 'utf8')).trim()).toBe(pending);
    await expect(stat(join(stateDir, 'host-key.pending'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await ctx.db.rows()).filter((row) => row.host_name === 'new-02')).toHaveLength(1);
    // One host, one use of the token; another key for the same name is still refused.
    const tokens = JSON.parse((await ctx.admin(['tokens', 'list', '--json'])).stdout) as { uses: number }[];
    expect(tokens).toMatchObject([{ uses: 1 }]);
    expect(await ask({ host_name: 'new-02', host_key: generateHostKey() })).toMatchObject({ status: 409 });
  });

  it('refuses a taken name (409, exit 1, the report kept in the spool) unless the token allows re-registration, which replaces the old key', async (t) => {
    const ctx = await setup('register_taken');
    if (!ctx) return t.skip();
    const plain = await tokenFrom(ctx.admin, ['plain']);
    const host = await agent({ hostName: 'web-01', serverUrl: ctx.server.url });

    const refused = await host.run(['collect'], { env: { MONITOR_REGISTRATION_TOKEN: plain } });
    expect(refused.code).toBe(1);
    expect(lines(refused.stderr)).toEqual([
      "monitor: server refused to register 'web-01' (409): host name 'web-01' is already registered; choose another name (agent.host_name, MONITOR_HOST_NAME), or use a token made with --allow-reregister — the report stays in the spool until this host has a key",
    ]);
    expect(await host.spoolFiles()).toHaveLength(1);

    const rebuild = await tokenFrom(ctx.admin, ['rebuild', '--allow-reregister']);
    const taken = await host.run(['collect'], { env: { MONITOR_REGISTRATION_TOKEN: rebuild } });
    expect(taken).toMatchObject({ code: 0, stderr: '' });
    expect(await host.spoolFiles()).toEqual([]);
    expect((await ctx.db.rows()).map((row) => row.host_name)).toEqual(['web-01', 'web-01']);
    // The key `hosts add` gave web-01 stopped working.
    const old = await agent({ hostName: 'web-01', serverUrl: ctx.server.url, hostKey: ctx.server.hostKey });
    const oldKey = await old.run(['collect']);
    expect(oldKey.code).toBe(1);
    expect(oldKey.stderr).toContain('(401)');
  });

  it('refuses a proposed key another host already holds (409, naming no host), even with a re-registering token, and changes no key', async (t) => {
    const ctx = await setup('register_key_taken');
    if (!ctx) return t.skip();
    const rebuild = await tokenFrom(ctx.admin, ['rebuild', '--allow-reregister']);
    const ask = async (body: unknown) => {
      const response = await fetch(`${ctx.server.url}/api/v1/register`, {
        method: 'POST',
        headers: { authorization: `Bearer ${rebuild}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { host_key?: string; error?: string } };
    };
    const db02 = generateHostKey();
    expect(await ask({ host_name: 'db-02', host_key: db02 })).toMatchObject({ status: 201 });
    const keyTaken = { status: 409, body: { error: 'another host already has this key; generate a new key and try again' } };
    // A new name with web-01's key, and db-02 taken over with web-01's key: both refused alike.
    expect(await ask({ host_name: 'new-03', host_key: ctx.server.hostKey })).toEqual(keyTaken);
    expect(await ask({ host_name: 'db-02', host_key: ctx.server.hostKey })).toEqual(keyTaken);
    // Both keys still work for their own hosts, and nothing was added.
    for (const [hostName, hostKey] of [
      ['web-01', ctx.server.hostKey],
      ['db-02', db02],
    ] as const) {
      const sender = await agent({ hostName, serverUrl: ctx.server.url, hostKey });
      expect(await sender.run(['collect'])).toMatchObject({ code: 0, stderr: '' });
    }
    expect(new Set((await ctx.db.rows()).map((row) => row.host_name))).toEqual(new Set(['web-01', 'db-02']));
  });

  it('gives the same 401 for an unknown, a revoked and an expired token, whatever the name, and writes nothing', async (t) => {
    const ctx = await setup('register_refused');
    if (!ctx) return t.skip();
    const revoked = await tokenFrom(ctx.admin, ['old']);
    await ctx.admin(['tokens', 'revoke', 'old']);
    const made = await ctx.admin(['tokens', 'add', 'short', '--expires', '1h', '--json'], new Date(Date.now() - 2 * 3_600_000));
    const expired = (JSON.parse(made.stdout) as { token: string }).token;
    const statuses = JSON.parse((await ctx.admin(['tokens', 'list', '--json'])).stdout) as { name: string; status: string }[];
    expect(statuses.map((row) => [row.name, row.status])).toEqual([
      ['old', 'revoked'],
      ['short', 'expired'],
    ]);

    const answers = new Set<string>();
    for (const token of ['mrt_unknown', revoked, expired]) {
      for (const hostName of ['web-01', 'nobody-01']) {
        const response = await fetch(`${ctx.server.url}/api/v1/register`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ host_name: hostName }),
        });
        answers.add(`${response.status} ${await response.text()}`);
      }
    }
    expect([...answers]).toEqual(['401 {"error":"registration token refused: unknown, revoked or expired"}']);
    const listed = JSON.parse((await ctx.admin(['hosts', 'list', '--json'])).stdout) as { host_name: string }[];
    expect(listed.map((row) => row.host_name)).toEqual(['web-01']);

    const host = await agent({ hostName: 'new-02', serverUrl: ctx.server.url });
    const result = await host.run(['collect'], { env: { MONITOR_REGISTRATION_TOKEN: revoked } });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(
        /^monitor: server refused to register 'new-02' \(401\): registration token refused.* — check agent\.registration_token/,
      ),
    ]);
  });
});

describe('registration answers', () => {
  it('limits refused attempts per client address (429 with Retry-After after 10 a minute)', async () => {
    const db = (await createTestDatabase('sqlite', 'register_rate'))!;
    defer(() => db.drop());
    const server = await serveOn(db, 'web-01');
    defer(() => server.close());
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 12; i++) {
      const response = await fetch(`${server.url}/api/v1/register`, {
        method: 'POST',
        headers: { authorization: 'Bearer mrt_guess', 'content-type': 'application/json' },
        body: JSON.stringify({ host_name: `guess-${i}` }),
      });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
      await response.text();
    }
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('counts only refused attempts: a rollout of 25 agents behind one address all register in the same minute', async () => {
    const db = (await createTestDatabase('sqlite', 'register_rollout'))!;
    defer(() => db.drop());
    const server = await serveOn(db, 'web-01');
    defer(() => server.close());
    const home = await makeTempDir('monitor-tokens-rollout-');
    defer(() => removeTempDir(home));
    const made = await runCli(['tokens', 'add', 'fleet', '--json'], { home, env: { MONITOR_DATABASE_URL: db.url } });
    const { token } = JSON.parse(made.stdout) as { token: string };
    const registerAs = async (name: string, bearer = token) => {
      const response = await fetch(`${server.url}/api/v1/register`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ host_name: name }),
      });
      await response.text();
      return response.status;
    };
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push(await registerAs(`rollout-${i}`));
    expect(statuses).toEqual(Array<number>(25).fill(201));
    // Refusals still spend the budget: 9 bad tokens and one taken name, then even a good token waits.
    for (let i = 0; i < 9; i++) expect(await registerAs(`guess-${i}`, 'mrt_guess')).toBe(401);
    expect(await registerAs('rollout-0')).toBe(409);
    expect(await registerAs('rollout-late')).toBe(429);
    const hosts = JSON.parse(
      (await runCli(['hosts', 'list', '--json'], { home, env: { MONITOR_DATABASE_URL: db.url } })).stdout,
    ) as unknown[];
    expect(hosts).toHaveLength(26);
  });
});

describe('tokens commands', () => {
  it('exits 2 on a bad token name and 1 when revoking a token that does not exist, changing nothing', async () => {
    const home = await makeTempDir('monitor-tokens-');
    defer(() => removeTempDir(home));
    const bad = await runCli(['tokens', 'add', 'no spaces'], { home });
    expect(bad.code).toBe(2);
    expect(lines(bad.stderr)).toEqual([expect.stringMatching(/^monitor: token name 'no spaces' may hold only/)]);
    const missing = await runCli(['tokens', 'revoke', 'ghost'], { home });
    expect(missing.code).toBe(1);
    expect(lines(missing.stderr)).toEqual([
      "monitor: no valid registration token named 'ghost' — see `monitor tokens list` (a revoked token stays listed as revoked)",
    ]);
    const dup1 = await runCli(['tokens', 'add', 'twice'], { home });
    expect(dup1.code).toBe(0);
    const dup2 = await runCli(['tokens', 'add', 'twice'], { home });
    expect(dup2.code).toBe(1);
    expect(dup2.stderr).toContain("a registration token named 'twice' already exists");
  });
});
