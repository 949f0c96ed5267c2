import { describe, expect, it } from 'vitest';
import { configSecrets } from '../../src/config/secrets.js';
import { createLogger } from '../../src/output/logger.js';
import { redactText, redactUserinfo, urlOrigin } from '../../src/text/redact.js';
import { parse } from '../config/helpers.js';

describe('redaction', () => {
  it('shows a webhook or Slack URL by its origin only', () => {
    expect(urlOrigin('https://hooks.slack.com/services/T0/B1/SECRET')).toBe('https://hooks.slack.com/***');
    expect(urlOrigin('https://user:pw@hooks.example.com:8443/x?token=t')).toBe('https://hooks.example.com:8443/***');
    expect(urlOrigin('https://hooks.example.com')).toBe('https://hooks.example.com');
    expect(urlOrigin('not a url')).toBe('***');
  });

  it('masks the whole password of a URL, even one that breaks URL syntax', () => {
    expect(redactUserinfo('mysql://mon:Sup3r/S3cret@db:3306/m')).toBe('mysql://mon:***@db:3306/m');
    expect(redactUserinfo('mysql://mon:p@ss#w?rd@db/m')).toBe('mysql://mon:***@db/m');
    expect(redactUserinfo('mysql://mon@db/m')).toBe('mysql://mon@db/m');
    expect(redactUserinfo('mysql:/mon:Sup3r/S3cret@db/m')).toBe('mysql:/mon:***@db/m');
    expect(redactUserinfo('mysql:mon:p@ss@db/m')).toBe('mysql:mon:***@db/m');
    expect(redactText('fetch failed for https://u:hunter22@h/x: refused')).toBe('fetch failed for https://u:***@h/x: refused');
  });

  it('masks a URL password holding quotes, spaces, @ or %-escapes in free text, keeping the words after the URL', () => {
    // As mysql2, a shell or a config loader print them, before any config (and its secrets) is known.
    const cases: [string, string][] = [
      ["connect to mysql://mon:it's-s3cret@db:3306/m failed", 'connect to mysql://mon:***@db:3306/m failed'],
      ['bad url "mysql://mon:say "hi" now@db/m" in --database', 'bad url "mysql://mon:***@db/m" in --database'],
      ["database 'mysql://mon:pa ss word@db/m' refused", "database 'mysql://mon:***@db/m' refused"],
      ['mysql://mon:pa ss@word@db:3306/m: access denied', 'mysql://mon:***@db:3306/m: access denied'],
      ['url mysql://mon:p%40ss%20w%27rd@db/m is unreachable', 'url mysql://mon:***@db/m is unreachable'],
      ['mysql://mon:2024 Summer@db/m: access denied', 'mysql://mon:***@db/m: access denied'],
      ['two: https://a:one two@h1/x and https://b:th"ree@h2/y end', 'two: https://a:***@h1/x and https://b:***@h2/y end'],
    ];
    for (const [text, masked] of cases) expect(redactText(text)).toBe(masked);
    // No userinfo: untouched, however many colons and at-signs the sentence has.
    for (const text of [
      'see https://h/x for help: mail ops@example.com',
      'GET http://hooks.example.com:8080/x failed; mail ops@example.com',
      'email (smtp://127.0.0.1:2525) refused: 550 no such user ops@example.com',
      'smtp://localhost:25 said 550 for ops@example.com',
      'GET http://[::1]:8080/x failed; mail ops@example.com',
      'at 10:00 user@host said: "ok"',
    ])
      expect(redactText(text)).toBe(text);
  });

  it('masks known secrets, also percent-encoded, longest first', () => {
    expect(redactText('token abc/def1 and abc%2Fdef1', ['abc/def1'])).toBe('token *** and ***');
    expect(redactText('the password is pw', ['pw'])).toBe('the password is pw');
  });

  it('collects every secret of a config: database password, webhook credentials and path tokens, Slack URL, SMTP password, host key, metrics token', () => {
    const config = parse(
      `database:
  url: mysql://monitor:db-secret-1@db/monitor
server:
  metrics_token: metrics-secret-0123456789
agent:
  host_key: host-key-secret-1
notify:
  webhook:
    - url: https://hook-user:hook-pass-1@hooks.example.com/T0/hook-path-token-123
      headers: { X-Api-Key: api-key-secret-1, Content-Type: application/json }
  slack: https://hooks.slack.com/services/T0/B1/slack-secret-123456
  email: { host: smtp, from: a@example.com, to: b@example.com, user: u, password: smtp-secret-1 }
`,
    );
    const secrets = configSecrets(config);
    const text =
      'db-secret-1 metrics-secret-0123456789 host-key-secret-1 hook-pass-1 hook-path-token-123 api-key-secret-1 slack-secret-123456 smtp-secret-1';
    expect(redactText(text, secrets)).toBe(new Array(8).fill('***').join(' '));
    expect(redactText('sent as application/json', secrets)).toBe('sent as application/json');
    // user:password@ became a Basic header, and left the URL.
    expect(config.notify.webhooks[0]!.url).toBe('https://hooks.example.com/T0/hook-path-token-123');
    expect(config.notify.webhooks[0]!.headers.Authorization).toBe(`Basic ${Buffer.from('hook-user:hook-pass-1').toString('base64')}`);
  });

  it("collects a command notifier's env: values, and the password inside one that is a URL", () => {
    const config = parse(
      `notify:
  command:
    - run: /usr/local/bin/page
      env: { PAGER_TOKEN: pd-routing-key-0123456789, PAGER_URL: 'https://u:p%40ger-pass@pager.example.com/v2', DEBUG: '1' }
`,
    );
    const secrets = configSecrets(config);
    expect(redactText('token pd-routing-key-0123456789 password p@ger-pass', secrets)).toBe('token *** password ***');
    expect(redactText('DEBUG=1', secrets)).toBe('DEBUG=1');
  });

  it('scrubs log lines and fields, in text and JSON', () => {
    for (const json of [false, true]) {
      const lines: string[] = [];
      const log = createLogger({ write: (line) => lines.push(line), json, debug: true, secrets: ['s3cret-token'] });
      log.warn('failed with s3cret-token', { error: 'echo s3cret-token', nested: { url: 'https://u:pw12345@h/' } });
      log.debug('debug s3cret-token');
      expect(lines.join('')).not.toMatch(/s3cret-token|pw12345/);
      expect(lines).toHaveLength(2);
    }
  });
});
