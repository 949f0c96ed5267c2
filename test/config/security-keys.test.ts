import { describe, expect, it } from 'vitest';
import { FILE, issuesOf, parse } from './helpers.js';

describe('security settings in the config', () => {
  it('refuses user:password@ in a webhook URL next to an Authorization header, at its line', () => {
    expect(
      issuesOf(() =>
        parse('notify:\n  webhook:\n    - url: https://u:p@hooks.example.com/x\n      headers: { authorization: Bearer t }\n'),
      ),
    ).toEqual([
      {
        key: 'notify.webhook[0].url',
        message: 'has user:password@ in the URL and an Authorization header; keep one of them',
        file: FILE,
        line: 3,
      },
    ]);
  });

  it('reads email insecure, and refuses it together with secure', () => {
    const base = 'notify:\n  email: { host: smtp, from: a@example.com, to: b@example.com';
    expect(parse(`${base} }\n`).notify.email).not.toHaveProperty('insecure');
    expect(parse(`${base}, insecure: true }\n`).notify.email).toMatchObject({ insecure: true, secure: false });
    expect(issuesOf(() => parse(`${base}, secure: true, insecure: true }\n`))[0]).toMatchObject({
      key: 'notify.email.insecure',
      message: expect.stringContaining('contradicts secure: true'),
    });
  });

  it('reads a command notifier env map and refuses names that are not variable names', () => {
    expect(parse('notify:\n  command:\n    - run: page\n      env: { ROUTE: db, N: 3 }\n').notify.commands[0]).toEqual({
      run: 'page',
      timeoutMs: 30_000,
      env: { ROUTE: 'db', N: '3' },
    });
    expect(issuesOf(() => parse('notify:\n  command:\n    - run: page\n      env: { "A-B": x }\n'))[0]).toMatchObject({
      key: 'notify.command[0].env.A-B',
    });
  });

  it('reads server.tls (paths next to the file), metrics_token and metrics_listen; refuses half a TLS pair and a short token', () => {
    const config = parse(
      'server:\n  tls: { cert: certs/c.pem, key: /etc/k.pem }\n  metrics_token: 0123456789abcdef0123\n  metrics_listen: 127.0.0.1:9100\n',
    );
    expect(config.server).toMatchObject({
      tls: { certFile: '/srv/monitor/certs/c.pem', keyFile: '/etc/k.pem' },
      metricsToken: '0123456789abcdef0123',
      metricsListen: { host: '127.0.0.1', port: 9100 },
    });
    expect(issuesOf(() => parse('server:\n  tls: { cert: c.pem }\n'))[0]).toMatchObject({
      key: 'server.tls',
      message: expect.stringContaining('needs both cert and key'),
    });
    expect(issuesOf(() => parse('server:\n  metrics_token: short\n'))[0]).toMatchObject({ key: 'server.metrics_token' });
  });

  it('reads agent.ca_file relative to the config file', () => {
    expect(parse('agent:\n  ca_file: ca.pem\n').agent.caFile).toBe('/srv/monitor/ca.pem');
  });

  it('applies MONITOR_DATABASE_PASSWORD to the URL that won; refuses database.password for SQLite', () => {
    expect(
      parse('database:\n  url: mysql://u@db/m\n  password: file-pw\n', { MONITOR_DATABASE_PASSWORD: 'env-pw' }).database.target,
    ).toMatchObject({ password: 'env-pw' });
    expect(parse('database:\n  url: mysql://u:url-pw@db/m\n  password: "p@ss/w#rd"\n').database.target).toMatchObject({
      password: 'p@ss/w#rd',
    });
    expect(parse('database:\n  url: m.db\n', { MONITOR_DATABASE_PASSWORD: 'env-pw' }).database.target).toMatchObject({ kind: 'sqlite' });
    expect(issuesOf(() => parse('database:\n  url: m.db\n  password: x\n'))[0]).toMatchObject({
      key: 'database.password',
      message: expect.stringContaining('SQLite'),
    });
  });

  it('describes a bad webhook or Slack URL without its token', () => {
    const issues = issuesOf(() =>
      parse('notify:\n  slack: hooks.slack.com/services/T0/B1/slack-token-abcdef\n  webhook: ftp://h/hook-token-123456\n'),
    );
    expect(issues.map((issue) => issue.key)).toEqual(['notify.slack', 'notify.webhook']);
    expect(JSON.stringify(issues)).not.toMatch(/slack-token-abcdef|hook-token-123456/);
  });
});
