import { describe, expect, it } from 'vitest';
import type { NotifyConfig } from '../../src/config/types.js';
import { createNotifiers } from '../../src/notify/create-notifiers.js';
import { channelsFor } from '../../src/notify/outbox.js';

const everything: NotifyConfig = {
  webhooks: [
    { url: 'http://127.0.0.1:1/a', headers: {}, timeoutMs: 1000 },
    { url: 'http://127.0.0.1:1/b', headers: {}, timeoutMs: 1000 },
  ],
  slack: { webhookUrl: 'http://127.0.0.1:1/services/x', timeoutMs: 1000 },
  email: {
    host: '127.0.0.1',
    port: 25,
    secure: false,
    user: null,
    password: null,
    from: 'monitor@example.com',
    to: ['ops@example.com'],
    timeoutMs: 1000,
  },
  commands: [
    { run: 'true', timeoutMs: 1000 },
    { run: 'false', timeoutMs: 1000 },
  ],
};

describe('createNotifiers', () => {
  it('names every configured destination by its section and position, in a stable order', () => {
    expect(channelsFor(createNotifiers(everything))).toEqual(['webhook:0', 'webhook:1', 'slack', 'email', 'command:0', 'command:1']);
  });

  it('creates nothing when nothing is configured', () => {
    expect(createNotifiers({ webhooks: [], slack: null, email: null, commands: [] })).toEqual([]);
  });

  it('keeps the names of the remaining destinations when an optional section is absent', () => {
    const notifiers = createNotifiers({ ...everything, slack: null, email: null, webhooks: [everything.webhooks[0]!] });
    expect(channelsFor(notifiers)).toEqual(['webhook:0', 'command:0', 'command:1']);
  });
});
