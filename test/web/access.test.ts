// Who may open the dashboard and act on it, over real sockets on a real SQLite file: users and
// tokens made by the real `monitor users` commands, signed cookies, CSRF, the login rate limit.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { parseConfig } from '../../src/config/parse.js';
import type { ServerConfig } from '../../src/config/types.js';
import { startServer } from '../../src/server/app.js';
import { DatabaseStatus } from '../../src/server/database-status.js';
import { createAccess } from '../../src/web/access.js';
import { useCleanups } from '../support/cleanups.js';
import { runCli } from '../support/cli.js';
import { memoryLog } from '../support/memory-log.js';
import { tempDir } from '../support/temp-dir.js';
import { serverConfig } from '../server/ingest-scenario.js';
import { sqliteFixture } from '../server/sqlite-fixture.js';
import { Browserless } from './http.js';
import { seedFleet } from './fleet-fixture.js';

const PASSWORD = 'correct horse battery';
const defer = useCleanups();

async function configWithUser(): Promise<{ file: string; home: string; server: ServerConfig; token: string }> {
  const home = await tempDir();
  const file = join(home, 'monitor.yaml');
  await writeFile(file, "# the team's config\nserver:\n  listen: 127.0.0.1:0 # loopback only\n");
  const added = await runCli(['users', 'add', 'alice', '--config', file], { home, stdin: `${PASSWORD}\n` });
  expect(added).toMatchObject({ code: 0, stderr: '' });
  const token = await runCli(['users', 'token', 'grafana', '--config', file], { home });
  expect(token.code).toBe(0);
  const config = await loadConfig({ explicitPath: file, env: {}, cwd: home, homedir: home });
  return {
    file,
    home,
    server: { ...serverConfig(), users: config.server.users, apiTokens: config.server.apiTokens },
    token: token.stdout.trim(),
  };
}

async function serve(config: ServerConfig) {
  const fixture = await sqliteFixture();
  defer(() => fixture.cleanup());
  const fleet = await seedFleet(fixture.store, new Date());
  const server = await startServer({ store: fixture.store, config, log: memoryLog() });
  defer(() => server.close());
  return { store: fixture.store, fleet, server, http: new Browserless(server.url) };
}

describe('monitor users', () => {
  it('add writes a scrypt hash into the config, keeping its comments; token prints a token once and stores its hash', async () => {
    const { file, token } = await configWithUser();
    const text = await readFile(file, 'utf8');
    expect(text).toContain("# the team's config");
    expect(text).toContain('# loopback only');
    expect(text).toMatch(/users:\n\s+alice:\n\s+password_hash: scrypt\$16384\$8\$1\$/);
    expect(text).not.toContain(PASSWORD);
    expect(token).toMatch(/^mt_[A-Za-z0-9_-]{43}$/);
    expect(text).not.toContain(token);
    expect(text).toMatch(/api_tokens:\n\s+grafana: sha256:[0-9a-f]{64}/);
  });

  it('refuses a short password or a bad name with exit 2 and writes nothing', async () => {
    const home = await tempDir();
    const file = join(home, 'monitor.yaml');
    await writeFile(file, 'server:\n  listen: 127.0.0.1:0\n');
    const short = await runCli(['users', 'add', 'bob', '--config', file], { home, stdin: 'short\n' });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 10 characters; nothing was changed');
    const badName = await runCli(['users', 'add', 'bob smith', '--config', file], { home, stdin: `${PASSWORD}\n` });
    expect(badName.code).toBe(2);
    expect(await readFile(file, 'utf8')).toBe('server:\n  listen: 127.0.0.1:0\n');
  });

  it('reads server.dashboard, dashboard_listen and api_tokens, and names a bad one', () => {
    const parse = (text: string) => parseConfig(text, '/etc/monitor.yaml', { env: {}, cwd: '/', homedir: '/root' });
    const config = parse(
      `server:\n  dashboard: false\n  dashboard_listen: 127.0.0.1:8081\n  api_tokens:\n    grafana: sha256:${'ab'.repeat(32)}\n`,
    );
    expect(config.server).toMatchObject({
      dashboard: false,
      dashboardListen: { host: '127.0.0.1', port: 8081 },
      apiTokens: { grafana: `sha256:${'ab'.repeat(32)}` },
    });
    expect(parse('server:\n  listen: 0.0.0.0:8080\n').server.dashboard).toBeUndefined();
    expect(() => parse('server:\n  dashboard: maybe\n  api_tokens:\n    grafana: mt_plaintexttoken\n')).toThrow(
      /server\.dashboard.*expected true or false.*server\.api_tokens\.grafana.*sha256/s,
    );
  });

  it('a hand-written hash that is not scrypt is a config error naming the key', () => {
    expect(() =>
      parseConfig('server:\n  users:\n    alice:\n      password_hash: hunter2\n', '/etc/monitor.yaml', {
        env: {},
        cwd: '/',
        homedir: '/root',
      }),
    ).toThrow(/server\.users\.alice\.password_hash.*scrypt hash/s);
  });
});

describe('dashboard access with users configured', () => {
  it('sends pages to the login, answers 401 to the API, and opens nothing for a host key', async () => {
    const { server: config } = await configWithUser();
    const { http, fleet } = await serve(config);
    const page = await http.request('/hosts/web-01?range=24h');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?next=%2Fhosts%2Fweb-01%3Frange%3D24h');
    expect((await http.request('/api/v1/hosts')).status).toBe(401);
    const hostKey = await http.request('/api/v1/hosts', { headers: { authorization: `Bearer ${fleet.keys['web-01']}` } });
    expect(hostKey.status).toBe(401);
    expect((await http.request('/login')).status).toBe(200);
    expect((await http.request('/assets/app.css')).status).toBe(200);
  });

  it('a read-only API token opens GET /api/v1 and nothing else', async () => {
    const { server: config, token } = await configWithUser();
    const { http, fleet, store } = await serve(config);
    const auth = { authorization: `Bearer ${token}` };
    expect((await http.request<{ total: number }>('/api/v1/hosts', { headers: auth })).json.total).toBe(5);
    expect((await http.request('/api/v1/alerts?status=open', { headers: auth })).status).toBe(200);
    expect((await http.request('/', { headers: auth })).headers.get('location')).toBe('/login?next=%2F');
    const ack = await http.request(`/alerts/${fleet.alerts.diskCrit}/ack`, { method: 'POST', headers: auth, form: { csrf: 'x' } });
    expect(ack.status).toBe(401);
    expect((await http.request('/api/v1/hosts', { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
    expect((await store.getAlert(fleet.alerts.diskCrit))!.acknowledgedAt).toBeNull();
  });

  it('signs in with an HttpOnly SameSite=Strict cookie; ack needs that session and its CSRF token', async () => {
    const { server: config } = await configWithUser();
    const { http, fleet, store, server } = await serve(config);
    const wrong = await http.request('/login', { method: 'POST', form: { user: 'alice', password: 'wrong password', next: '/alerts' } });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('wrong user name or password');
    const login = await http.request('/login', { method: 'POST', form: { user: 'alice', password: PASSWORD, next: '/alerts' } });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/alerts');
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^monitor_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(cookie).not.toContain('Secure');

    const alerts = await http.request('/alerts?status=open');
    expect(alerts.status).toBe(200);
    expect(alerts.text).toContain('<span>alice</span>');
    const csrf = Browserless.csrfOf(alerts.text);
    const id = fleet.alerts.diskCrit;
    const unacked = async () => (await store.getAlert(id))!.acknowledgedAt === null;

    // A forged request: the browser sends the cookie (same-site navigation aside) but not the token.
    expect((await http.request(`/alerts/${id}/ack`, { method: 'POST', form: { next: '/alerts' } })).status).toBe(403);
    expect((await http.request(`/alerts/${id}/ack`, { method: 'POST', form: { csrf: `${csrf.slice(0, -2)}xx` } })).status).toBe(403);
    expect(
      (await http.request(`/alerts/${id}/ack`, { method: 'POST', form: { csrf }, headers: { origin: 'https://evil.example' } })).status,
    ).toBe(403);
    // No session at all.
    const stranger = new Browserless(server.url);
    expect((await stranger.request(`/alerts/${id}/ack`, { method: 'POST', form: { csrf } })).status).toBe(401);
    // A tampered cookie is no session.
    stranger.cookie = http.cookie!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await stranger.request(`/alerts/${id}/ack`, { method: 'POST', form: { csrf } })).status).toBe(401);
    expect(await unacked()).toBe(true);

    const ack = await http.request(`/alerts/${id}/ack`, {
      method: 'POST',
      form: { csrf, next: '/alerts?status=open' },
      headers: { origin: server.url },
    });
    expect(ack.status).toBe(303);
    expect(ack.headers.get('location')).toBe('/alerts?status=open');
    expect(await unacked()).toBe(false);
    expect(
      (await http.request<{ alerts: { acknowledged_at: string | null }[] }>('/api/v1/alerts?status=open&host=storage-04')).json.alerts[0]!
        .acknowledged_at,
    ).not.toBeNull();

    // Signing out needs the token too, then the cookie is gone.
    const out = await http.request('/logout', { method: 'POST', form: { csrf } });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^monitor_session=; .*Max-Age=0/);
  });

  it('rate-limits failed sign-ins per client address', async () => {
    const { server: config } = await configWithUser();
    const { http } = await serve(config);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await http.request('/login', { method: 'POST', form: { user: 'alice', password: `guess ${i}` } })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const locked = await http.request('/login', { method: 'POST', form: { user: 'alice', password: PASSWORD } });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.headers.get('set-cookie')).toBeNull();
  });

  it('a new password ends the sessions made with the old one', async () => {
    const { server: config } = await configWithUser();
    const first = await serve(config);
    await first.http.request('/login', { method: 'POST', form: { user: 'alice', password: PASSWORD } });
    expect((await first.http.request('/api/v1/hosts')).status).toBe(200);
    const access = createAccess({
      store: first.store,
      config: { ...config, users: { alice: { passwordHash: 'scrypt$16384$8$1$AAAA$BBBB' } } },
      listenHost: '127.0.0.1',
      now: () => new Date(),
    });
    const req = { headers: { cookie: first.http.cookie } } as never;
    expect(await access.identify(req)).toBeNull();
    // The same cookie with the password it was made under is still good.
    const same = createAccess({ store: first.store, config, listenHost: '127.0.0.1', now: () => new Date() });
    expect(await same.identify(req)).toMatchObject({ kind: 'user', name: 'alice' });
  });
});

describe('dashboard access without users', () => {
  it("on loopback the dashboard is open and ack still needs the page's CSRF token", async () => {
    const { http, fleet, store } = await serve(serverConfig());
    const page = await http.request('/alerts?status=open');
    expect(page.status).toBe(200);
    expect(page.text).toContain('title="serve listens on loopback only and no users are configured">local');
    const id = fleet.alerts.memWarn;
    expect((await http.request(`/alerts/${id}/ack`, { method: 'POST', form: { csrf: 'guessed' } })).status).toBe(403);
    expect((await store.getAlert(id))!.acknowledgedAt).toBeNull();
    expect((await http.request(`/alerts/${id}/ack`, { method: 'POST', form: { csrf: Browserless.csrfOf(page.text) } })).status).toBe(303);
    expect((await store.getAlert(id))!.acknowledgedAt).not.toBeNull();
  });

  it('beyond loopback a login is required even with no users (and serve says how to add one)', async () => {
    const fixture = await sqliteFixture();
    defer(() => fixture.cleanup());
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
      const access = createAccess({ store: fixture.store, config: serverConfig(), listenHost: host, now: () => new Date() });
      expect(access.loginRequired).toBe(true);
      expect(await access.identify({ headers: {} } as never)).toBeNull();
    }
    for (const host of ['127.0.0.1', '::1', 'localhost']) {
      expect(createAccess({ store: fixture.store, config: serverConfig(), listenHost: host, now: () => new Date() }).loginRequired).toBe(
        false,
      );
    }
    const log = memoryLog();
    const { createWebHandler } = await import('../../src/web/handler.js');
    createWebHandler({
      store: fixture.store,
      log,
      clock: { now: () => new Date() },
      config: serverConfig(),
      listenHost: '0.0.0.0',
      secure: false,
      databaseTimeoutMs: 1000,
      database: new DatabaseStatus(log),
      requestTimeoutMs: 1000,
    });
    expect(log.texts().join('\n')).toContain('monitor users add NAME');
  });

  it('server.dashboard: false answers / as before; dashboard_listen moves the dashboard to its own port', async () => {
    const off = await serve(serverConfig({ dashboard: false }));
    const root = await off.http.request('/');
    expect(root.status).toBe(404);
    expect(root.json).toEqual({ error: 'no such endpoint: /' });
    expect(off.server.dashboardUrl).toBeNull();

    const fixture = await sqliteFixture();
    defer(() => fixture.cleanup());
    const split = await startServer({
      store: fixture.store,
      config: serverConfig(),
      log: memoryLog(),
      dashboardListen: { host: '127.0.0.1', port: 0 },
    });
    defer(() => split.close());
    expect(split.dashboardUrl).not.toBe(split.url);
    expect((await new Browserless(split.url).request('/')).status).toBe(404);
    expect((await new Browserless(split.dashboardUrl!).request('/')).status).toBe(200);
    expect((await new Browserless(split.url).request('/healthz')).status).toBe(200);
  });
});
