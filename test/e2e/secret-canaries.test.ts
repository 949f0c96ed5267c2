// Canaries: a distinct secret in every place one can live (database password, webhook path token and
// basic auth, Slack URL, SMTP password, bearer tokens, host keys), then every error path this test can
// reach — a bad URL, refused connections, 4xx and 5xx answers that echo the request back, a TLS
// failure, a timeout — and no canary may appear in stdout, stderr (with --verbose too), logs, the
// spool or any table. A host key is printed once, by `hosts add`, and nowhere else.

import Database from 'better-sqlite3';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { startEndpoint, type HttpEndpoint } from '../notify/fixtures/http-endpoint.js';
import { startSmtp, type SmtpEndpoint } from '../notify/fixtures/smtp.js';
import { makeTestCa } from '../support/certificates.js';
import { runCli, type CliResult } from '../support/cli.js';
import { databaseConfig } from '../support/database-config.js';
import { closedPort, listenOnLoopback, startSilentServer } from '../support/network.js';
import { newSample } from '../support/samples.js';
import { makeTempDir, removeTempDir } from '../support/temp-dir.js';

const CANARY = {
  dbPassword: 'cnry-db-pw-41Ab/%x',
  webhookUser: 'cnry-hook-user-77',
  webhookPassword: 'cnry-hook-basic-pw-88',
  webhookPath: 'cnry-hook-path-token-5d1e9a',
  webhookBearer: 'cnry-hook-bearer-0c4f2b',
  slackPath: 'cnry-slack-secret-93bd7c',
  smtpPassword: 'cnry-smtp-pw-61aa',
  metricsToken: 'cnry-metrics-token-0123456789',
  agentKey: 'cnry-agent-host-key-4e5f6a7b',
  envPassword: 'cnry-env-db-password-3c2d',
};

const found = (text: string, extra: string[] = []): string[] =>
  [...Object.values(CANARY), ...extra].filter(
    (canary) => canary !== '' && (text.includes(canary) || text.includes(encodeURIComponent(canary))),
  );

describe('secret canaries', () => {
  let home: string;
  let echo401: HttpEndpoint;
  let echo500: HttpEndpoint;
  let smtp: SmtpEndpoint;
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  let tlsServer: ReturnType<typeof createHttpsServer>;
  let hostKey = '';
  let rotatedKey = '';
  const outputs: { what: string; result: CliResult }[] = [];
  const env = () => ({ MONITOR_CONFIG: join(home, 'monitor.yaml'), MONITOR_DATABASE_PASSWORD: CANARY.envPassword });
  const cli = async (what: string, argv: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> => {
    const result = await runCli(argv, { home, env: { ...env(), ...extraEnv } });
    outputs.push({ what, result });
    return result;
  };

  beforeAll(async () => {
    home = await makeTempDir('monitor-canaries-');
    echo401 = await startEndpoint();
    echo401.reply((request) => ({ status: 401, body: `denied ${request.headers.authorization ?? ''} at ${request.path}` }));
    echo500 = await startEndpoint();
    echo500.reply((request) => ({ status: 500, body: `no service at ${request.path}` }));
    smtp = await startSmtp({ auth: { user: 'alerts', pass: CANARY.smtpPassword } });
    silent = await startSilentServer();
    const ca = await makeTestCa(home);
    const issued = await ca.issue('untrusted');
    tlsServer = createHttpsServer({ cert: await readFile(issued.certPath), key: await readFile(issued.keyPath) }, (_req, res) =>
      res.end('ok'),
    );
    const tlsPort = await listenOnLoopback(tlsServer);
    const refused = await closedPort();
    const hook = (base: string) =>
      `${base.replace('http://', `http://${CANARY.webhookUser}:${CANARY.webhookPassword}@`)}/hooks/${CANARY.webhookPath}`;
    await writeFile(
      join(home, 'monitor.yaml'),
      `database:
  url: sqlite:${join(home, 'monitor.db')}
server:
  metrics_token: ${CANARY.metricsToken}
notify:
  webhook:
    - url: ${hook(echo401.url)}
      timeout: 2s
    - url: http://127.0.0.1:${refused}/hooks/${CANARY.webhookPath}
      headers: { Authorization: "Bearer ${CANARY.webhookBearer}" }
      timeout: 2s
    - url: https://127.0.0.1:${tlsPort}/hooks/${CANARY.webhookPath}
      timeout: 2s
    - url: ${silent.url}/hooks/${CANARY.webhookPath}?token=${CANARY.webhookBearer}
      timeout: 500ms
  slack:
    webhook_url: ${echo500.url}/services/T0/B1/${CANARY.slackPath}
    timeout: 2s
  email:
    host: 127.0.0.1
    port: ${smtp.port}
    user: alerts
    password: ${CANARY.smtpPassword}
    from: monitor@example.com
    to: ops@example.com
    timeout: 2s
  command:
    - run: env | tr '\\n' ' ' >&2; exit 3
      timeout: 5s
`,
    );
  });
  afterAll(async () => {
    await echo401?.close();
    await echo500?.close();
    await smtp?.close();
    await silent?.close();
    await new Promise<void>((resolve) => (tlsServer ? tlsServer.close(() => resolve()) : resolve()));
    await removeTempDir(home);
  });

  it('hosts add prints the new key once; check drives every notifier into its error path', async () => {
    const added = await cli('hosts add', ['hosts', 'add', 'storage-01', '--json']);
    expect(added.code).toBe(0);
    hostKey =
      (JSON.parse(added.stdout) as { key?: string; host_key?: string }).key ?? (JSON.parse(added.stdout) as { host_key: string }).host_key;
    expect(hostKey.length).toBeGreaterThan(16);
    expect(added.stdout.split(hostKey)).toHaveLength(2);

    const store = await openStore(databaseConfig(`sqlite:${join(home, 'monitor.db')}`));
    try {
      const host = await store.findHostByName('storage-01');
      await store.insertSamples([newSample(host!.hostId, new Date(Date.now() - 30_000), { diskPct: 95 })]);
    } finally {
      await store.close();
    }

    const check = await cli('check', ['check']);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/NEW ALERT/);
    // Every channel failed, each for its own reason.
    expect(check.stderr).toMatch(/webhook:0 \(http:\/\/127\.0\.0\.1:\d+\) answered HTTP 401: denied \*\*\* at \*\*\*/);
    expect(check.stderr).toMatch(/webhook:1 .*ECONNREFUSED/);
    expect(check.stderr).toMatch(/webhook:2 .*certificate/);
    expect(check.stderr).toMatch(/webhook:3 .*no answer within 500ms/);
    expect(check.stderr).toMatch(/slack .*answered HTTP 500/);
    expect(check.stderr).toMatch(/email .*STARTTLS/);
    expect(check.stderr).toMatch(/command:0 exited with code 3/);
    expect(smtp.auths).toEqual([]);
    // The receivers got what they need: Basic auth from user:password@, the bearer header.
    expect(echo401.requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from(`${CANARY.webhookUser}:${CANARY.webhookPassword}`).toString('base64')}`,
    );

    await cli('check --verbose (retry)', ['check', '--verbose'], { DEBUG: 'monitor' });
    await cli('check --json', ['check', '--json']);
    await cli('alerts list', ['alerts', 'list', '--status', 'all']);
    await cli('alerts list --json', ['alerts', 'list', '--status', 'all', '--json']);
    await cli('hosts list --json', ['hosts', 'list', '--json']);
  });

  it('hosts rotate-key prints the new key once too', async () => {
    const rotated = await runCli(['hosts', 'rotate-key', 'storage-01'], { home, env: env() });
    expect(rotated.code).toBe(0);
    rotatedKey = /shown only once\): (\S+)/.exec(rotated.stdout)![1]!;
    expect(rotated.stdout.split(rotatedKey)).toHaveLength(2);
    expect(found(rotated.stdout + rotated.stderr, [hostKey])).toEqual([]);
    await cli('hosts list after rotation', ['hosts', 'list']);
  });

  it('the agent: a refused server, then one that answers 401 echoing the key; the spool holds no key', async () => {
    const agentEnv = { MONITOR_HOST_KEY: CANARY.agentKey, MONITOR_HOST_NAME: 'storage-01' };
    await cli('collect, server refused', ['collect'], { ...agentEnv, MONITOR_SERVER_URL: `http://127.0.0.1:${await closedPort()}` });
    echo401.reply((request) => ({ status: 401, body: JSON.stringify({ error: `unknown key ${request.headers.authorization ?? ''}` }) }));
    await cli('collect, 401 echo', ['collect', '--verbose'], { ...agentEnv, MONITOR_SERVER_URL: echo401.url });
    const spoolDir = join(home, '.local/state/monitor/spool');
    const files = await readdir(spoolDir, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const entry of files.filter((e) => e.isFile())) {
      expect(found(await readFile(join(entry.parentPath, entry.name), 'utf8'), [hostKey])).toEqual([]);
    }
  });

  it('the database: a refused MySQL connection (also --verbose) and a malformed URL, the password never shown', async () => {
    const port = await closedPort();
    const refused = await cli('mysql refused', ['hosts', 'list', '--verbose'], {
      MONITOR_DATABASE_URL: `mysql://monitor:${encodeURIComponent(CANARY.dbPassword)}@127.0.0.1:${port}/monitor`,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`cannot connect to MySQL at 127.0.0.1:${port}`);
    const malformed = await cli('malformed url', ['hosts', 'list'], {
      MONITOR_DATABASE_URL: `mysql://monitor:${CANARY.dbPassword}@127.0.0.1:${port}`,
    });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('mysql://monitor:***@');
  });

  it('no canary, and no host key, in any output or table', () => {
    for (const { what, result } of outputs) {
      const text =
        what === 'hosts add' ? result.stdout.replace(hostKey, '<the key, printed once>') + result.stderr : result.stdout + result.stderr;
      expect({ what, leaked: found(text, [hostKey, rotatedKey]) }).toEqual({ what, leaked: [] });
    }
    const db = new Database(join(home, 'monitor.db'), { readonly: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
      expect(tables).toContain('notifications');
      const lastErrors = db.prepare('SELECT last_error FROM notifications WHERE last_error IS NOT NULL').pluck().all() as string[];
      expect(lastErrors.length).toBeGreaterThanOrEqual(7);
      for (const table of tables) {
        const rows = JSON.stringify(db.prepare(`SELECT * FROM "${table}"`).all());
        expect({ table, leaked: found(rows, [hostKey, rotatedKey]) }).toEqual({ table, leaked: [] });
      }
    } finally {
      db.close();
    }
  });
});
