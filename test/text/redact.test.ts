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
