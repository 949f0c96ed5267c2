// The outbox against the real SQLite store: rows enqueued, delivered through real endpoints (HTTP,
// SMTP, a shell command), failures recorded and retried on the next run, each delivered once.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSecrets } from '../../src/config/secrets.js';
import { createNotifiers } from '../../src/notify/create-notifiers.js';
import { channelsFor, deliverPending } from '../../src/notify/outbox.js';
import type { NotificationPayload, Notifier } from '../../src/notify/types.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { NewNotification } from '../../src/store/types.js';
import { startEndpoint, type HttpEndpoint } from './fixtures/http-endpoint.js';
import { samplePayload } from './fixtures/payload.js';
import { startSmtp, type SmtpEndpoint } from './fixtures/smtp.js';
import { parse } from '../config/helpers.js';
import { memoryLog } from '../support/memory-log.js';
import { databaseConfig } from '../support/database-config.js';

let dir: string;
let store: Store;
let clock: Date;
const now = () => clock;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'monitor-outbox-'));
  store = await openStore(databaseConfig(`sqlite:${join(dir, 'monitor.db')}`, { poolSize: 1 }));
  clock = new Date('2025-03-01T10:00:00.000Z');
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** Notifiers for these webhook URLs only (2 s timeout each). */
function webhookNotifiers(...urls: string[]): Notifier[] {
  return createNotifiers({ webhooks: urls.map((url) => ({ url, headers: {}, timeoutMs: 2000 })), slack: null, email: null, commands: [] });
}

async function endpoint(): Promise<HttpEndpoint> {
  const started = await startEndpoint({ status: 204 });
  cleanups.push(() => started.close());
  return started;
}

/** Every channel name this file uses, for reading the outbox as a whole. */
const EVERY_CHANNEL = ['webhook:0', 'webhook:1', 'email', 'slack', 'command:0', 'broken', 'fine'];
const pending = (maxAttempts = 5) => store.pendingNotifications(EVERY_CHANNEL, maxAttempts, 100);

function rows(channels: string[], payload: NotificationPayload = samplePayload()): NewNotification[] {
  return channels.map((channel) => ({
    alertId: payload.alert_id,
    channel,
    event: payload.event,
    payload: { ...payload },
    createdAt: clock,
  }));
}

function sentPayloads(target: HttpEndpoint): NotificationPayload[] {
  return target.requests.map((request) => JSON.parse(request.body) as NotificationPayload);
}

describe('notification outbox', () => {
  it('delivers through the working notifiers, keeps the failing ones pending, and delivers those once on the next run', async () => {
    const failingHook = await endpoint();
    failingHook.reply({ status: 500, body: 'upstream down' });
    const workingHook = await endpoint();
    const smtp: SmtpEndpoint = await startSmtp({ refuseRecipients: true });
    cleanups.push(() => smtp.close());
    const commandOut = join(dir, 'command.log');

    const notifiers = createNotifiers(
      {
        webhooks: [
          { url: failingHook.url, headers: {}, timeoutMs: 2000 },
          { url: workingHook.url, headers: {}, timeoutMs: 2000 },
        ],
        slack: null,
        email: {
          host: '127.0.0.1',
          port: smtp.port,
          secure: false,
          insecure: true,
          user: null,
          password: null,
          from: 'monitor@example.com',
          to: ['ops@example.com'],
          timeoutMs: 3000,
        },
        commands: [{ run: `cat >> '${commandOut}'`, timeoutMs: 5000 }],
      },
      { env: process.env },
    );
    await store.enqueueNotifications(rows(channelsFor(notifiers)));
    const log = memoryLog();

    const first = await deliverPending({ store, notifiers, now, maxAttempts: 5, log });

    expect(first).toEqual({ delivered: 2, failed: 2, deferred: 0 });
    expect(workingHook.requests).toHaveLength(1);
    expect(failingHook.requests).toHaveLength(1);
    expect(smtp.messages).toHaveLength(0);
    expect((await readFile(commandOut, 'utf8')).trim().split('\n')).toHaveLength(1);
    const stillPending = await pending();
    expect(stillPending.map((row) => [row.channel, row.attempts])).toEqual([
      ['webhook:0', 1],
      ['email', 1],
    ]);
    expect(stillPending.find((row) => row.channel === 'webhook:0')!.lastError).toContain('HTTP 500');
    expect(stillPending.find((row) => row.channel === 'email')!.lastError).toContain('550');
    const warnings = log.lines.filter((line) => line.level === 'warn');
    expect(warnings.map((line) => line.fields?.channel).sort()).toEqual(['email', 'webhook:0']);
    expect(warnings.find((line) => line.fields?.channel === 'webhook:0')!.message).toContain('will retry on the next run');

    // The destinations come back.
    failingHook.reply({ status: 200, body: 'ok' });
    smtp.refuseRecipients(false);
    clock = new Date('2025-03-01T10:02:00.000Z');

    const second = await deliverPending({ store, notifiers, now, maxAttempts: 5, log });
    const third = await deliverPending({ store, notifiers, now, maxAttempts: 5, log });

    expect(second).toEqual({ delivered: 2, failed: 0, deferred: 0 });
    expect(third).toEqual({ delivered: 0, failed: 0, deferred: 0 });
    expect(failingHook.requests).toHaveLength(2);
    expect(sentPayloads(failingHook)[1]).toEqual(samplePayload());
    expect(workingHook.requests).toHaveLength(1);
    expect(smtp.messages).toHaveLength(1);
    expect((await readFile(commandOut, 'utf8')).trim().split('\n')).toHaveLength(1);
    expect(await pending()).toEqual([]);
  });

  it("delivers a channel's rows in order and stops that channel at its first failure", async () => {
    const hook = await endpoint();
    hook.reply({ status: 503 });
    const notifiers = webhookNotifiers(hook.url);
    await store.enqueueNotifications(rows(['webhook:0'], samplePayload()));
    clock = new Date('2025-03-01T10:30:00.000Z');
    await store.enqueueNotifications(
      rows(['webhook:0'], samplePayload({ event: 'resolve', status: 'resolved', text: '✅ RESOLVED: Disk Space' })),
    );

    const first = await deliverPending({ store, notifiers, now, maxAttempts: 5, log: memoryLog() });

    expect(first).toEqual({ delivered: 0, failed: 1, deferred: 1 });
    expect(hook.requests).toHaveLength(1);
    const stillPending = await pending();
    expect(stillPending.map((row) => [row.event, row.attempts])).toEqual([
      ['open', 1],
      ['resolve', 0],
    ]);

    hook.reply({ status: 204 });
    const second = await deliverPending({ store, notifiers, now, maxAttempts: 5, log: memoryLog() });

    expect(second).toEqual({ delivered: 2, failed: 0, deferred: 0 });
    expect(sentPayloads(hook).map((payload) => payload.event)).toEqual(['open', 'open', 'resolve']);
  });

  it('stops retrying a notification after maxAttempts failures', async () => {
    const hook = await endpoint();
    hook.reply({ status: 500 });
    const notifiers = webhookNotifiers(hook.url);
    await store.enqueueNotifications(rows(['webhook:0']));
    const log = memoryLog();

    const results = [];
    for (let run = 0; run < 4; run++) results.push(await deliverPending({ store, notifiers, now, maxAttempts: 2, log }));

    expect(results.map((result) => result.failed)).toEqual([1, 1, 0, 0]);
    expect(hook.requests).toHaveLength(2);
    expect(await pending(2)).toEqual([]);
    expect(log.lines.filter((line) => line.level === 'warn').at(-1)!.message).toContain('giving up after 2 attempts');
  });

  it("masks a command's env: values in last_error and the log, as the CLI's config secrets, when the command echoes them", async () => {
    const config = parse(`notify:
  command:
    - run: 'echo "pager refused token $PAGER_TOKEN at $PAGER_URL" >&2; exit 1'
      env:
        PAGER_TOKEN: pd-routing-key-0123456789
        PAGER_URL: https://pager:pager-pass-123@pager.example.com/v2
`);
    const secrets = configSecrets(config);
    const notifiers = createNotifiers(config.notify, { env: process.env, secrets });
    await store.enqueueNotifications(rows(['command:0']));
    const log = memoryLog();
    expect(await deliverPending({ store, notifiers, now, maxAttempts: 5, log })).toMatchObject({ failed: 1 });
    const [row] = await pending();
    expect(row!.lastError).toContain('pager refused token *** at https://pager:***@pager.example.com/v2');
    const logged = JSON.stringify(log.lines);
    expect(logged).toContain('pager refused token ***');
    for (const text of [row!.lastError!, logged]) expect(text).not.toMatch(/pd-routing-key|pager-pass/);
  });

  it('never sends a row whose last attempt another run spent after this run read it', async () => {
    const hook = await endpoint();
    const notifiers = webhookNotifiers(hook.url);
    await store.enqueueNotifications(rows(['webhook:0']));
    const [row] = await pending();
    await store.markNotificationFailed(row!.notificationId, 'HTTP 500', clock);
    // The real store, where another run fails the row a second time between this run's read and its claim.
    const racing = new Proxy(store, {
      get(target, name, receiver) {
        if (name !== 'pendingNotifications') return Reflect.get(target, name, receiver) as unknown;
        return async (...args: Parameters<Store['pendingNotifications']>) => {
          const read = await target.pendingNotifications(...args);
          await target.markNotificationFailed(row!.notificationId, 'HTTP 500 (the other run)', clock);
          return read;
        };
      },
    });
    const result = await deliverPending({ store: racing, notifiers, now, maxAttempts: 2, log: memoryLog() });
    expect(result).toEqual({ delivered: 0, failed: 0, deferred: 1 });
    expect(hook.requests).toHaveLength(0);
    expect(await store.pendingNotifications(['webhook:0'], 3, 10)).toMatchObject([{ attempts: 2, lastError: 'HTTP 500 (the other run)' }]);
  });

  it('leaves rows of channels that are no longer configured pending and untouched', async () => {
    const hook = await endpoint();
    const notifiers = webhookNotifiers(hook.url);
    await store.enqueueNotifications(rows(['slack', 'webhook:0']));

    const result = await deliverPending({ store, notifiers, now, maxAttempts: 5, log: memoryLog() });

    expect(result).toEqual({ delivered: 1, failed: 0, deferred: 0 });
    const stillPending = await pending();
    expect(stillPending.map((row) => [row.channel, row.attempts, row.lastError])).toEqual([['slack', 0, null]]);
  });

  it('never throws for a notifier failure, whatever the notifier throws', async () => {
    const delivered: string[] = [];
    const notifiers: Notifier[] = [
      {
        channel: 'broken',
        send: () => {
          // Not even a rejected promise: a synchronous throw of a non-Error.
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- the non-Error throw is what this test is about
          throw 'boom';
        },
      },
      { channel: 'fine', send: (payload) => Promise.resolve(void delivered.push(payload.text)) },
    ];
    await store.enqueueNotifications(rows(['broken', 'fine']));

    const result = await deliverPending({ store, notifiers, now, maxAttempts: 5, log: memoryLog() });

    expect(result).toEqual({ delivered: 1, failed: 1, deferred: 0 });
    expect(delivered).toEqual([samplePayload().text]);
    expect((await pending())[0]!.lastError).toBe('boom');
  });

  it('marks a row whose stored payload is unreadable as failed without holding up the rows after it', async () => {
    const hook = await endpoint();
    const notifiers = webhookNotifiers(hook.url);
    await store.enqueueNotifications([
      { alertId: null, channel: 'webhook:0', event: 'open', payload: { nonsense: true }, createdAt: clock },
    ]);
    clock = new Date('2025-03-01T10:00:01.000Z');
    await store.enqueueNotifications(rows(['webhook:0']));

    const result = await deliverPending({ store, notifiers, now, maxAttempts: 5, log: memoryLog() });

    expect(result).toEqual({ delivered: 1, failed: 1, deferred: 0 });
    expect(sentPayloads(hook)).toEqual([samplePayload()]);
    const [stuck] = await pending();
    expect(stuck!.lastError).toBe('stored payload is not a notification');
  });

  it('reads up to `limit` rows per channel: a long backlog of a down or removed channel never holds up another', async () => {
    const [down, up] = [await startEndpoint({ status: 503 }), await endpoint()];
    cleanups.push(() => down.close());
    const notifiers = webhookNotifiers(down.url, up.url);
    // Older than the working channel's row: three for the down webhook, three for Slack (not configured).
    for (const minute of [1, 2, 3]) {
      clock = new Date(Date.UTC(2025, 2, 1, 10, minute));
      await store.enqueueNotifications(rows(['webhook:0', 'slack'], samplePayload({ alert_id: minute })));
    }
    clock = new Date(Date.UTC(2025, 2, 1, 10, 4));
    await store.enqueueNotifications(rows(['webhook:1'], samplePayload({ alert_id: 4 })));

    const result = await deliverPending({ store, notifiers, now, maxAttempts: 5, log: memoryLog(), limit: 2 });

    expect(result).toEqual({ delivered: 1, failed: 1, deferred: 1 });
    expect(sentPayloads(up).map((payload) => payload.alert_id)).toEqual([4]);
    expect(down.requests).toHaveLength(1);
    const left = await pending();
    expect(left.filter((row) => row.channel === 'webhook:0').map((row) => row.attempts)).toEqual([1, 0, 0]);
    expect(left.filter((row) => row.channel === 'slack').map((row) => row.attempts)).toEqual([0, 0, 0]);
  });

  it('looks at no more than `limit` rows per run, oldest first', async () => {
    const hook = await endpoint();
    const notifiers = webhookNotifiers(hook.url);
    for (const id of [1, 2, 3]) {
      clock = new Date(Date.UTC(2025, 2, 1, 10, id));
      await store.enqueueNotifications(rows(['webhook:0'], samplePayload({ alert_id: id })));
    }

    const first = await deliverPending({ store, notifiers, now, maxAttempts: 5, log: memoryLog(), limit: 2 });
    const second = await deliverPending({ store, notifiers, now, maxAttempts: 5, log: memoryLog(), limit: 2 });

    expect([first.delivered, second.delivered]).toEqual([2, 1]);
    expect(sentPayloads(hook).map((payload) => payload.alert_id)).toEqual([1, 2, 3]);
  });

  it('leaves a channel whose oldest row another run has claimed, and sends it once that claim expires (its run died)', async () => {
    const hook = await endpoint();
    const notifiers = webhookNotifiers(hook.url);
    for (const id of [1, 2]) await store.enqueueNotifications(rows(['webhook:0'], samplePayload({ alert_id: id })));
    const [oldest] = await pending();
    // A run on another machine claimed the oldest row for a minute, then died.
    expect(await store.claimNotification(oldest!.notificationId, 'other-box:7:dead', clock, new Date(clock.getTime() + 60_000), 5)).toBe(
      true,
    );

    const whileClaimed = await deliverPending({ store, notifiers, now, maxAttempts: 5, log: memoryLog(), claimToken: 'this-run' });
    expect(whileClaimed).toEqual({ delivered: 0, failed: 0, deferred: 2 });
    expect(hook.requests).toHaveLength(0); // not even the newer row: the channel keeps its order

    clock = new Date(clock.getTime() + 61_000);
    const afterExpiry = await deliverPending({ store, notifiers, now, maxAttempts: 5, log: memoryLog(), claimToken: 'next-run' });
    expect(afterExpiry).toEqual({ delivered: 2, failed: 0, deferred: 0 });
    expect(sentPayloads(hook).map((payload) => payload.alert_id)).toEqual([1, 2]);
    expect(await pending()).toEqual([]);
  });
});
