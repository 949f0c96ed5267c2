import { describe, expect, it } from 'vitest';

import { defaultConfig } from '../../src/config/load.js';
import { FILE, issuesOf, options, parse } from './helpers.js';

describe('defaults', () => {
  it('runs with built-in defaults when there is no file, under the XDG directories', () => {
    const config = defaultConfig({ ...options(), env: { XDG_DATA_HOME: '/data', XDG_STATE_HOME: '/state' } });
    expect(config.file).toBeNull();
    expect(config.database).toEqual({
      target: { kind: 'sqlite', path: '/data/monitor/monitor.db' },
      poolSize: 10,
      connectTimeoutMs: 5_000,
    });
    expect(config.server).toEqual({
      listen: { host: '0.0.0.0', port: 8080 },
      url: null,
      maxBodyBytes: 1_048_576,
      requestTimeoutMs: 10_000,
      tls: null,
      metricsToken: null,
      metricsListen: null,
    });
    expect(config.agent).toEqual({
      hostName: 'this-box',
      hostKey: null,
      registrationToken: null,
      sampleWindowMs: 1_000,
      mounts: ['/'],
      stateDir: '/state/monitor',
      spoolMaxBytes: 10 * 1_048_576,
      spoolMaxAgeMs: 7 * 86_400_000,
      timeoutMs: 10_000,
      batchSize: 500,
      caFile: null,
    });
    expect(config.alerting).toEqual({
      flapWindow: 21,
      flapHighPct: 20,
      flapLowPct: 5,
      leaseTtlMs: 60_000,
      groupThreshold: 10,
      maxNotifyAttempts: 10,
      sampleMaxAgeMs: 300_000,
      repeatIntervalMs: 14_400_000,
    });
    expect(config.notify).toEqual({ webhooks: [], slack: null, email: null, commands: [] });
    expect(config.checkTypes).toEqual({});
    expect(config.hosts).toEqual({});
    expect(config.plugins).toEqual([]);
  });

  it('gives every host cpu, memory, disk and silence checks when default_checks is absent', () => {
    const enabled = { enabled: true, params: {} };
    expect(parse('hosts: {}\n').defaultChecks).toEqual({
      cpu_usage: enabled,
      memory_usage: enabled,
      disk_space: enabled,
      host_silent: enabled,
    });
  });

  it('treats an empty file or one with only comments as defaults', () => {
    for (const text of ['', '\n\n', '# nothing here yet\n# database:\n#   url: x\n']) {
      const config = parse(text);
      expect(config.file).toBe(FILE);
      expect(config.database.poolSize).toBe(10);
      expect(Object.keys(config.defaultChecks)).toHaveLength(4);
    }
  });

  it('takes the default for a key left empty', () => {
    const config = parse('database:\n  pool_size:\nserver:\n  max_body: ~\n');
    expect(config.database.poolSize).toBe(10);
    expect(config.server.maxBodyBytes).toBe(1_048_576);
  });
});

describe('values', () => {
  it('turns durations into milliseconds and sizes into bytes', () => {
    const config = parse(`
database: { connect_timeout: 90 }
server: { max_body: 512KiB, request_timeout: 1m30s }
agent: { spool_max_size: 10MB, spool_max_age: 2d, sample_window: 250ms, timeout: "15s" }
alerting: { lease_ttl: 1h, sample_max_age: 2.5m }
`);
    expect(config.database.connectTimeoutMs).toBe(90_000);
    expect(config.server.maxBodyBytes).toBe(524_288);
    expect(config.server.requestTimeoutMs).toBe(90_000);
    expect(config.agent.spoolMaxBytes).toBe(10_000_000);
    expect(config.agent.spoolMaxAgeMs).toBe(172_800_000);
    expect(config.agent.sampleWindowMs).toBe(250);
    expect(config.agent.timeoutMs).toBe(15_000);
    expect(config.alerting.leaseTtlMs).toBe(3_600_000);
    expect(config.alerting.sampleMaxAgeMs).toBe(150_000);
  });

  it('reads every listen form: HOST:PORT, :PORT, [IPv6]:PORT and a bare port', () => {
    const listen = (value: string) => parse(`server:\n  listen: "${value}"\n`).server.listen;
    expect(listen('127.0.0.1:9000')).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(listen(':9000')).toEqual({ host: '0.0.0.0', port: 9000 });
    expect(listen('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(listen('monitor.internal:0')).toEqual({ host: 'monitor.internal', port: 0 });
    expect(parse('server:\n  listen: 9000\n').server.listen).toEqual({ host: '0.0.0.0', port: 9000 });
  });

  it('keeps mysql URLs, and makes SQLite paths absolute relative to the config file', () => {
    expect(parse('database:\n  url: mysql://u:p@db:3306/monitor\n').database.target).toEqual({
      kind: 'mysql',
      host: 'db',
      port: 3306,
      user: 'u',
      password: 'p',
      database: 'monitor',
      tls: null,
    });
    expect(parse('database:\n  url: mariadb://u@db/monitor\n').database.target).toMatchObject({
      kind: 'mysql',
      user: 'u',
      password: '',
      port: 3306,
    });
    const sqlite = (path: string) => ({ kind: 'sqlite', path });
    expect(parse('database:\n  url: sqlite:data/m.db\n').database.target).toEqual(sqlite('/srv/monitor/data/m.db'));
    expect(parse('database:\n  url: sqlite:///var/lib/m.db\n').database.target).toEqual(sqlite('/var/lib/m.db'));
    expect(parse('database:\n  url: ./m.db\n').database.target).toEqual(sqlite('/srv/monitor/m.db'));
    expect(parse('database:\n  url: ~/m.db\n').database.target).toEqual(sqlite('/home/ops/m.db'));
    expect(parse('database:\n  url: "sqlite::memory:"\n').database.target).toEqual(sqlite(':memory:'));
  });

  it('resolves a relative ssl-ca of a mysql URL against the config file, and reports a bad TLS parameter at its line', () => {
    expect(issuesOf(() => parse('database:\n  url: mysql://u:p@db:3306/monitor?ssl-ca=certs/ca.pem\n'))[0]!.message).toBe(
      'ssl-ca: cannot read /srv/monitor/certs/ca.pem (ENOENT)',
    );
    expect(issuesOf(() => parse('database:\n  url: mysql://u@db/monitor?ssl=true&ssl-ca=~/ca.pem\n'))[0]!.message).toBe(
      'ssl-ca: cannot read /home/ops/ca.pem (ENOENT)',
    );
    expect(parse('database:\n  url: mysql://u@db/monitor?ssl=no-verify\n').database.target).toMatchObject({
      tls: { verify: false, ca: null },
    });
    expect(issuesOf(() => parse('# TLS\ndatabase:\n  url: mysql://u@db/monitor?sslmode=require\n'))).toEqual([
      {
        key: 'database.url',
        message: "unknown parameter 'sslmode' (known: ssl=true|no-verify|false, ssl-ca=/path/to/ca.pem)",
        file: FILE,
        line: 3,
      },
    ]);
  });

  it('strips the trailing slash of the server URL so paths can be appended', () => {
    expect(parse('server:\n  url: https://monitor.example.com/\n').server.url).toBe('https://monitor.example.com');
  });

  it('resolves relative plugin paths and the state dir against the config file, keeping package names', () => {
    const config = parse(
      'plugins:\n  - ./plugins/a.js\n  - ../shared/b.mjs\n  - /opt/c.js\n  - monitor-plugin-x\n  - "@acme/checks"\nagent:\n  state_dir: state\n',
    );
    expect(config.plugins).toEqual(['/srv/monitor/plugins/a.js', '/srv/shared/b.mjs', '/opt/c.js', 'monitor-plugin-x', '@acme/checks']);
    expect(config.agent.stateDir).toBe('/srv/monitor/state');
  });

  it('accepts one mount point or a list of them', () => {
    expect(parse('agent:\n  mounts: /data\n').agent.mounts).toEqual(['/data']);
    expect(parse('agent:\n  mounts: [/, /data, /data]\n').agent.mounts).toEqual(['/', '/data']);
  });

  it('reads check type overrides, with the cooldown in seconds', () => {
    const config = parse(`
check_types:
  disk_space: { params: { crit: 95 }, cooldown: 15m }
  inode_usage: { name: Inode Usage, function: inode_usage, severity: warning, params: { crit: 90 } }
  cpu_usage:
`);
    expect(config.checkTypes).toEqual({
      disk_space: { params: { crit: 95 }, cooldownSeconds: 900 },
      inode_usage: { name: 'Inode Usage', function: 'inode_usage', severity: 'warning', params: { crit: 90 } },
      cpu_usage: {},
    });
  });
});

describe('host checks', () => {
  it('reads every form of a host check: empty, {}, true, false, params, params with enabled', () => {
    const config = parse(`
hosts:
  web-01:
    description: Front end
    checks:
      cpu_usage:
      memory_usage: {}
      disk_space: true
      host_silent: false
      dataset_freshness: { dataset: orders, crit: 2h }
      files_count: { enabled: false, crit: 3 }
  db-02:
`);
    expect(config.hosts['web-01']).toEqual({
      description: 'Front end',
      checks: {
        cpu_usage: { enabled: true, params: {} },
        memory_usage: { enabled: true, params: {} },
        disk_space: { enabled: true, params: {} },
        host_silent: { enabled: false, params: {} },
        dataset_freshness: { enabled: true, params: { dataset: 'orders', crit: '2h' } },
        files_count: { enabled: false, params: { crit: 3 } },
      },
    });
    expect(config.hosts['db-02']).toEqual({ description: null, checks: {} });
  });

  it('keeps params raw (validated later by the check function) and knows their lines', () => {
    const config = parse(`hosts:
  web-01:
    checks:
      disk_space:
        crit: 85
        for: 5m
        levels: [1, 2]
`);
    expect(config.hosts['web-01']!.checks.disk_space!.params).toEqual({ crit: 85, for: '5m', levels: [1, 2] });
    expect(config.lineOf(['hosts', 'web-01', 'checks', 'disk_space'])).toBe(4);
    expect(config.lineOf(['hosts', 'web-01', 'checks', 'disk_space', 'for'])).toBe(6);
    expect(config.lineOf(['hosts', 'web-01', 'checks', 'nope'])).toBeNull();
  });

  it('takes default_checks as exactly what it lists, as a list or as a map', () => {
    expect(parse('default_checks: [disk_space, host_silent]\n').defaultChecks).toEqual({
      disk_space: { enabled: true, params: {} },
      host_silent: { enabled: true, params: {} },
    });
    expect(parse('default_checks:\n  disk_space: { crit: 95 }\n  cpu_usage: false\n').defaultChecks).toEqual({
      disk_space: { enabled: true, params: { crit: 95 } },
      cpu_usage: { enabled: false, params: {} },
    });
    expect(parse('default_checks: []\n').defaultChecks).toEqual({});
    expect(parse('default_checks:\n').defaultChecks).toEqual({});
  });

  it('shares thresholds through YAML anchors and merge keys', () => {
    const config = parse(`check_types:
  disk_space:
    params: &strict { warn: 70, crit: 80 }
hosts:
  a:
    checks:
      disk_space: *strict
  b:
    checks:
      disk_space:
        <<: *strict
        crit: 85
`);
    expect(config.hosts.a!.checks.disk_space!.params).toEqual({ warn: 70, crit: 80 });
    expect(config.hosts.b!.checks.disk_space!.params).toEqual({ crit: 85, warn: 70 });
  });

  it('keeps a check key named __proto__ as an ordinary key, and refuses __proto__ as a host name', () => {
    const config = parse('hosts:\n  web-01:\n    checks:\n      __proto__: false\n');
    expect(Object.getPrototypeOf(config.hosts['web-01']!.checks)).toBe(Object.prototype);
    expect(Object.keys(config.hosts['web-01']!.checks)).toEqual(['__proto__']);
    expect(config.hosts['web-01']!.checks['__proto__']).toEqual({ enabled: false, params: {} });

    // Not a host name `hosts add` or the ingest API would take, so not one the config takes either.
    expect(() => parse('hosts:\n  __proto__: {}\n')).toThrow(/host name '__proto__' may only hold letters, digits/);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});

describe('notification channels', () => {
  it('accepts the short forms: a URL for a webhook or Slack, a string for a command', () => {
    const config = parse(`notify:
  webhook: https://hooks.example.com/a
  slack: https://hooks.slack.com/services/T/B/X
  command: logger -t monitor
`);
    expect(config.notify).toEqual({
      webhooks: [{ url: 'https://hooks.example.com/a', headers: {}, timeoutMs: 10_000 }],
      slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/X', timeoutMs: 10_000 },
      email: null,
      commands: [{ run: 'logger -t monitor', timeoutMs: 30_000 }],
    });
  });

  it('reads the long forms and lists', () => {
    const config = parse(`notify:
  webhook:
    - { url: "https://a.example.com/hook", headers: { X-Token: abc }, timeout: 3s }
    - https://b.example.com/hook
  slack: { webhook_url: "https://hooks.slack.com/x", timeout: 2s }
  email:
    host: smtp.example.com
    port: 465
    secure: true
    user: alerts
    password: secret
    from: Monitor <alerts@example.com>
    to: ops@example.com
  command:
    - run: /usr/local/bin/page
      timeout: 5s
`);
    expect(config.notify.webhooks).toEqual([
      { url: 'https://a.example.com/hook', headers: { 'X-Token': 'abc' }, timeoutMs: 3_000 },
      { url: 'https://b.example.com/hook', headers: {}, timeoutMs: 10_000 },
    ]);
    expect(config.notify.slack).toEqual({ webhookUrl: 'https://hooks.slack.com/x', timeoutMs: 2_000 });
    expect(config.notify.email).toEqual({
      host: 'smtp.example.com',
      port: 465,
      secure: true,
      user: 'alerts',
      password: 'secret',
      from: 'Monitor <alerts@example.com>',
      to: ['ops@example.com'],
      timeoutMs: 10_000,
    });
    expect(config.notify.commands).toEqual([{ run: '/usr/local/bin/page', timeoutMs: 5_000 }]);
  });

  it('turns a channel off when its address is empty, so ${VAR:-} enables it only where VAR is set', () => {
    const text = `notify:
  webhook:
    - url: \${HOOK_URL:-}
  slack: \${SLACK_WEBHOOK_URL:-}
  email:
    host: \${SMTP_HOST:-}
    from: alerts@example.com
    to: [ops@example.com]
`;
    expect(parse(text).notify).toEqual({ webhooks: [], slack: null, email: null, commands: [] });
    const on = parse(text, { HOOK_URL: 'https://h.example.com', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/x', SMTP_HOST: 'smtp' }).notify;
    expect(on.webhooks.map((hook) => hook.url)).toEqual(['https://h.example.com']);
    expect(on.slack?.webhookUrl).toBe('https://hooks.slack.com/x');
    expect(on.email?.host).toBe('smtp');
  });
});

describe('environment', () => {
  it('expands ${VAR} and ${VAR:-default} inside strings', () => {
    const config = parse(
      `database:
  url: mysql://monitor:\${DB_PASSWORD}@\${DB_HOST:-localhost}:3306/monitor
hosts:
  web-01:
    description: "\${ROLE:-web} server in \${DC}"
`,
      { DB_PASSWORD: 's3cret', DC: 'fra1' },
    );
    expect(config.database.target).toMatchObject({ user: 'monitor', password: 's3cret', host: 'localhost', database: 'monitor' });
    expect(config.hosts['web-01']!.description).toBe('web server in fra1');
  });

  it('uses the default for a variable that is set but empty, like the shell', () => {
    expect(parse('server:\n  listen: ${LISTEN:-:9100}\n', { LISTEN: '' }).server.listen).toEqual({ host: '0.0.0.0', port: 9100 });
  });

  it('reads an expanded unquoted value as YAML would (numbers, booleans, empty), quoted ones as strings', () => {
    const config = parse(
      `database:
  pool_size: \${POOL}
notify:
  email: { host: smtp, port: "\${SMTP_PORT}", secure: "\${SMTP_TLS}", from: a@example.com, to: b@example.com, password: "\${PIN}" }
hosts:
  web-01:
    checks:
      disk_space: { crit: "\${CRIT}" }
      cpu_usage: \${CPU_ON}
`,
      { POOL: '4', SMTP_PORT: '2525', SMTP_TLS: 'true', PIN: '1234', CRIT: '85', CPU_ON: 'false' },
    );
    expect(config.database.poolSize).toBe(4);
    expect(config.notify.email).toMatchObject({ port: 2525, secure: true, password: '1234' });
    expect(config.hosts['web-01']!.checks.disk_space!.params).toEqual({ crit: '85' });
    expect(config.hosts['web-01']!.checks.cpu_usage!.enabled).toBe(false);
  });

  it('writes a literal ${ for $${ and leaves a bare $VAR alone', () => {
    const config = parse('notify:\n  command: "echo $${HOME} $HOME"\n', { HOME: '/root' });
    expect(config.notify.commands[0]!.run).toBe('echo ${HOME} $HOME');
  });

  it('reports an unset variable without a default with its key and line', () => {
    const issues = issuesOf(() => parse('server:\n  listen: :8080\n  url: ${SERVER_URL}\nnotify:\n  slack: "${SLACK}"\n'));
    expect(issues).toEqual([
      {
        key: 'server.url',
        message: 'environment variable SERVER_URL is not set (write ${SERVER_URL:-} to allow it to be empty)',
        file: FILE,
        line: 3,
      },
      {
        key: 'notify.slack',
        message: 'environment variable SLACK is not set (write ${SLACK:-} to allow it to be empty)',
        file: FILE,
        line: 5,
      },
    ]);
  });

  it('lets MONITOR_DATABASE_URL, MONITOR_SERVER_URL, MONITOR_HOST_NAME and MONITOR_HOST_KEY win over the file', () => {
    const text = `database:
  url: mysql://u@file-db/monitor
server:
  url: http://file-server:8080
agent:
  host_name: file-name
  host_key: file-key
`;
    const config = parse(text, {
      MONITOR_DATABASE_URL: 'data/override.db',
      MONITOR_SERVER_URL: 'https://env-server:8443/',
      MONITOR_HOST_NAME: 'env-name',
      MONITOR_HOST_KEY: 'env-key',
    });
    // A relative path from the environment is relative to where the command runs, not to the file.
    expect(config.database.target).toEqual({ kind: 'sqlite', path: '/work/dir/data/override.db' });
    expect(config.server.url).toBe('https://env-server:8443');
    expect(config.agent.hostName).toBe('env-name');
    expect(config.agent.hostKey).toBe('env-key');
    expect(parse(text, { MONITOR_HOST_NAME: '' }).agent.hostName).toBe('file-name');
  });

  it('applies the environment overrides without any config file too', () => {
    const config = defaultConfig({ ...options(), env: { MONITOR_DATABASE_URL: 'mysql://root@127.0.0.1:3306/test' } });
    expect(config.database.target).toMatchObject({ kind: 'mysql', host: '127.0.0.1', user: 'root', database: 'test' });
  });

  it('reports a bad override by the variable that holds it', () => {
    const issues = issuesOf(() =>
      parse('', { MONITOR_SERVER_URL: 'monitor:8080', MONITOR_HOST_NAME: 'web 01', MONITOR_DATABASE_URL: 'postgres://x/y' }),
    );
    expect(issues).toEqual([
      {
        key: 'database.url',
        message: "MONITOR_DATABASE_URL: unsupported database 'postgres:' (use mysql://user:password@host:3306/database or sqlite:PATH)",
        file: null,
        line: null,
      },
      { key: 'server.url', message: "MONITOR_SERVER_URL: expected an http:// or https:// URL, got 'monitor:8080'", file: null, line: null },
      { key: 'agent.host_name', message: "MONITOR_HOST_NAME: host name 'web 01' must not contain whitespace", file: null, line: null },
    ]);
  });
});
