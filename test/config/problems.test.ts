import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../src/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { FILE, asyncIssuesOf, issuesOf, parse, tempDir, writeText } from './helpers.js';

describe('config problems', () => {
  it('reports every problem at once, each with its key, file and line', () => {
    const issues = issuesOf(() =>
      parse(`# monitor config
databse:
  url: mysql://db/monitor
database:
  pool_size: ten
  connect_timeout: soon
server:
  listen: localhost
agent:
  sampel_window: 2s
hosts:
  web-01:
    checks:
      disk_space: { crit: 85, enabled: maybe }
`),
    );
    expect(issues).toEqual([
      { key: 'databse', message: "unknown key 'databse' (did you mean 'database'?)", file: FILE, line: 2 },
      { key: 'database.pool_size', message: "expected a whole number, got 'ten'", file: FILE, line: 5 },
      {
        key: 'database.connect_timeout',
        message: "expected a duration like 5m, 90s or 1h (a bare number is seconds), got 'soon'",
        file: FILE,
        line: 6,
      },
      { key: 'server.listen', message: "expected HOST:PORT, :PORT or [IPv6]:PORT, got 'localhost'", file: FILE, line: 8 },
      { key: 'agent.sampel_window', message: "unknown key 'sampel_window' (did you mean 'sample_window'?)", file: FILE, line: 10 },
      { key: 'hosts.web-01.checks.disk_space.enabled', message: "expected true or false, got 'maybe'", file: FILE, line: 14 },
    ]);
  });

  it('prints one line per problem, starting with file:line and the key', () => {
    let error: unknown;
    try {
      parse('server:\n  max_body: lots\n  request_timeout: -5s\n');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as ConfigError).message).toBe(
      [
        `${FILE}:2: server.max_body: expected a size like 10MiB, 512KiB or 10MB (a bare number is bytes), got 'lots'`,
        `${FILE}:3: server.request_timeout: expected a duration like 5m, 90s or 1h (a bare number is seconds), got '-5s'`,
      ].join('\n'),
    );
  });

  it('names the line of bad YAML syntax, once per line', () => {
    const issues = issuesOf(() => parse('database:\n  url: sqlite:a.db\nserver:\n  listen: host: 8080\nagent:\n  mounts: /\n'));
    expect(issues.length).toBeGreaterThanOrEqual(1);
    expect(issues[0]).toMatchObject({ key: '', file: FILE, line: 4 });
    expect(issues[0]!.message).toMatch(/^invalid YAML: /);
    expect(new Set(issues.map((issue) => issue.line)).size).toBe(issues.length);
  });

  it('reports a duplicate key as a YAML error on the second occurrence', () => {
    const issues = issuesOf(() => parse('hosts:\n  web-01: {}\n  db-02: {}\n  web-01: {}\n'));
    expect(issues).toEqual([{ key: '', message: 'invalid YAML: Map keys must be unique', file: FILE, line: 4 }]);
  });

  it('explains that ${VAR} inside a flow collection needs quotes', () => {
    const issues = issuesOf(() => parse('notify:\n  email: { host: ${SMTP_HOST}, from: a@b.c, to: d@e.f }\n'));
    expect(issues[0]!.line).toBe(2);
    expect(issues[0]!.message).toContain('put values with ${VAR} in quotes');
  });

  it('rejects wrong shapes: a list for a section, a map for a number, a value for the whole file', () => {
    expect(issuesOf(() => parse('database:\n  - url\n'))).toEqual([
      {
        key: 'database',
        message: 'expected a map with keys url, password, password_file, pool_size, connect_timeout; got a list',
        file: FILE,
        line: 1,
      },
    ]);
    expect(issuesOf(() => parse('agent:\n  batch_size:\n    a: 1\n'))).toEqual([
      { key: 'agent.batch_size', message: 'expected a whole number, got a map', file: FILE, line: 2 },
    ]);
    expect(issuesOf(() => parse('just a string\n'))[0]!.message).toMatch(/^expected a map of sections \(database, server/);
  });

  it('checks ranges: pool size, ports, percentages, positive durations', () => {
    const issues = issuesOf(() =>
      parse(`database: { pool_size: 0 }
server: { listen: "host:70000" }
alerting: { flap_high: 120, lease_ttl: 0 }
notify:
  email: { host: smtp, port: 0, from: a@example.com, to: b@example.com }
`),
    );
    expect(issues.map((issue) => [issue.key, issue.message])).toEqual([
      ['database.pool_size', 'must be at least 1, got 0'],
      ['server.listen', 'port must be 0-65535, got 70000'],
      ['alerting.flap_high', 'must be at most 100, got 120'],
      ['alerting.lease_ttl', 'duration must be longer than 0, got 0'],
      ['notify.email.port', 'must be at least 1, got 0'],
    ]);
  });

  it('takes repeat_interval as 0 or at least a minute, in alerting and per check type, naming key and line', () => {
    expect(issuesOf(() => parse('alerting:\n  repeat_interval: 30s\ncheck_types:\n  disk_space:\n    repeat_interval: often\n'))).toEqual([
      { key: 'alerting.repeat_interval', message: 'must be 0 (no repeats) or at least 1m, got 30s', file: FILE, line: 2 },
      {
        key: 'check_types.disk_space.repeat_interval',
        message: "expected a duration like 5m, 90s or 1h (a bare number is seconds), got 'often'",
        file: FILE,
        line: 5,
      },
    ]);
    expect(parse('alerting:\n  repeat_interval: 0\n').alerting.repeatIntervalMs).toBe(0);
    expect(parse('check_types:\n  disk_space:\n    repeat_interval: 2h\n').checkTypes.disk_space).toEqual({ repeatIntervalMs: 7_200_000 });
  });

  it('takes alerting.group_threshold as a whole number of at least 1, naming its line', () => {
    expect(parse('alerting:\n  group_threshold: 50\n').alerting.groupThreshold).toBe(50);
    expect(issuesOf(() => parse('alerting:\n  lease_ttl: 30s\n  group_threshold: 0\n'))).toEqual([
      { key: 'alerting.group_threshold', message: 'must be at least 1, got 0', file: FILE, line: 3 },
    ]);
    expect(issuesOf(() => parse('alerting:\n  group_threshold: many\n'))[0]).toMatchObject({ key: 'alerting.group_threshold', line: 2 });
  });

  it('requires flap_low to be lower than flap_high', () => {
    expect(issuesOf(() => parse('alerting:\n  flap_high: 10\n  flap_low: 10\n'))).toEqual([
      { key: 'alerting.flap_low', message: 'flap_low (10) must be lower than flap_high (10)', file: FILE, line: 3 },
    ]);
  });

  it('rejects badly formed check keys and host names, and bad host check values', () => {
    const issues = issuesOf(() =>
      parse(`check_types:
  Disk-Space: {}
  disk_space: { severity: fatal, cooldown: later, params: 5 }
default_checks: [disk_space, disk_space, 7]
hosts:
  "web 01": {}
  "web@01": {}
  web-02:
    descripton: typo
    checks:
      cpu_usage: 90
      memory_usage: [warn, crit]
`),
    );
    expect(issues.map((issue) => [issue.key, issue.line, issue.message])).toEqual([
      ['check_types.Disk-Space', 2, "check key 'Disk-Space' must be lowercase letters, digits and _ (e.g. disk_space)"],
      ['check_types.disk_space.params', 3, 'expected a map of params (e.g. { warn: 80, crit: 90 }), got 5'],
      ['check_types.disk_space.severity', 3, "expected one of warning, critical, got 'fatal'"],
      ['check_types.disk_space.cooldown', 3, "expected a duration like 5m, 90s or 1h (a bare number is seconds), got 'later'"],
      ['default_checks[1]', 4, "'disk_space' is listed twice"],
      ['default_checks[2]', 4, 'expected a check key like disk_space, got 7'],
      ['hosts.web 01', 6, "host name 'web 01' must not contain whitespace"],
      // The rule `hosts add` and the ingest API use: a name the API would refuse is refused here too.
      [
        'hosts.web@01',
        7,
        "host name 'web@01' may only hold letters, digits, '.', '_' and '-', starting with a letter or digit, at most 191 characters",
      ],
      ['hosts.web-02.descripton', 9, "unknown key 'descripton' (did you mean 'description'?)"],
      ['hosts.web-02.checks.cpu_usage', 11, 'expected true, false, nothing, or a map of params like { crit: 85, for: 5m }; got 90'],
      ['hosts.web-02.checks.memory_usage', 12, 'expected true, false, nothing, or a map of params like { crit: 85, for: 5m }; got a list'],
    ]);
  });

  it('checks notification channels: URLs, addresses, header names and required keys', () => {
    const issues = issuesOf(() =>
      parse(`notify:
  webhook:
    - url: not a url
    - headers: { "Bad Header": x }
  slack: { timeout: 5s }
  email:
    host: smtp.example.com
    to: ops
  command:
    - timeout: 1s
`),
    );
    expect(issues.map((issue) => [issue.key, issue.line, issue.message])).toEqual([
      ['notify.webhook[0].url', 3, "expected an http(s) URL like http://monitor.example.com:8080, got '***'"],
      ['notify.webhook[1]', 4, "missing required key 'url'"],
      ['notify.webhook[1].headers.Bad Header', 4, "'Bad Header' is not a valid HTTP header name"],
      ['notify.slack', 5, "missing required key 'webhook_url'"],
      ['notify.email', 6, "missing required key 'from'"],
      ['notify.email.to', 8, "expected an email address like ops@example.com, got 'ops'"],
      ['notify.command[0]', 10, "missing required key 'run'"],
    ]);
  });

  it('rejects unsupported database URLs and relative mount points', () => {
    expect(issuesOf(() => parse('database:\n  url: postgres://db/monitor\nagent:\n  mounts: [/, data]\n'))).toEqual([
      {
        key: 'database.url',
        message: "unsupported database 'postgres:' (use mysql://user:password@host:3306/database or sqlite:PATH)",
        file: FILE,
        line: 2,
      },
      { key: 'agent.mounts[1]', message: "mount point must be an absolute path, got 'data'", file: FILE, line: 4 },
    ]);
    expect(issuesOf(() => parse('database:\n  url: mysql://db:3306\n'))[0]!.message).toContain('names no database');
    // A config error is printed and mailed by cron: it never repeats the password.
    const [withPassword] = issuesOf(() => parse('database:\n  url: mysql://monitor:s3cret@db:3306\n'));
    expect(withPassword!.message).toBe("'mysql://monitor:***@db:3306' names no database (…:3306/monitor)");
  });

  it('names the real file and line when loading from disk', async () => {
    const dir = await tempDir();
    const file = await writeText(join(dir, 'monitor.yaml'), '\n\nserver:\n  lisen: :80\n');
    const error = await asyncIssuesOf(() => loadConfig({ explicitPath: file, env: {}, cwd: dir, homedir: dir }));
    expect(error.message).toBe(`${file}:4: server.lisen: unknown key 'lisen' (did you mean 'listen'?)`);
  });
});
