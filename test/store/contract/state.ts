import { expect, it } from 'vitest';
import type { CheckState, NewNotification } from '../../../src/store/types.js';
import { type ContractContext, at, count } from './helpers.js';

function state(hostId: number, checkId: number, overrides: Partial<CheckState> = {}): CheckState {
  return {
    hostId,
    checkId,
    status: 'ok',
    since: at(0),
    history: 'ooo',
    flapping: false,
    evaluatedAt: at(60),
    lastResolvedAt: null,
    openNotified: false,
    lastNotifiedAt: null,
    ...overrides,
  };
}

function notification(overrides: Partial<NewNotification> = {}): NewNotification {
  return { alertId: 1, channel: 'webhook:0', event: 'open', payload: { line: 'NEW ALERT', n: 1 }, createdAt: at(0), ...overrides };
}

export function stateTests(ctx: ContractContext): void {
  it('saves check states and loads them back; saving again updates in place', async () => {
    const first = state(1, 2, {
      status: 'critical',
      history: 'oocc',
      flapping: true,
      lastResolvedAt: at(-600),
      openNotified: true,
      lastNotifiedAt: at(30),
    });
    await ctx.store.saveCheckStates([first, state(1, 3)]);
    expect(await ctx.store.loadCheckStates()).toEqual([first, state(1, 3)]);

    const updated = {
      ...first,
      status: 'ok' as const,
      since: at(120),
      history: 'occo',
      flapping: false,
      evaluatedAt: at(120),
      openNotified: false,
    };
    await ctx.store.saveCheckStates([updated]);
    expect(await ctx.store.loadCheckStates()).toEqual([updated, state(1, 3)]);
    expect(await count(ctx.raw, 'check_state')).toBe(2);
  });

  it('saves thousands of check states in one call', async () => {
    const states = Array.from({ length: 1203 }, (_, i) => state(Math.floor(i / 4) + 1, (i % 4) + 1, { history: 'o'.repeat(21) }));
    await ctx.store.saveCheckStates(states);
    await ctx.store.saveCheckStates(states.map((row) => ({ ...row, status: 'warning' as const })));
    const loaded = await ctx.store.loadCheckStates();
    expect(loaded).toHaveLength(1203);
    expect(loaded.every((row) => row.status === 'warning' && row.history.length === 21)).toBe(true);
  });

  it('deletes exactly the check states named, in batches', async () => {
    const states = Array.from({ length: 1203 }, (_, i) => state(Math.floor(i / 4) + 1, (i % 4) + 1));
    await ctx.store.saveCheckStates(states);
    const gone = states.filter((_, i) => i % 3 !== 0).map(({ hostId, checkId }) => ({ hostId, checkId }));
    await ctx.store.deleteCheckStates([...gone, { hostId: 9999, checkId: 1 }]);
    const left = await ctx.store.loadCheckStates();
    expect(left.map(({ hostId, checkId }) => `${hostId}:${checkId}`)).toEqual(
      states.filter((_, i) => i % 3 === 0).map(({ hostId, checkId }) => `${hostId}:${checkId}`),
    );
    await ctx.store.deleteCheckStates([]);
    expect(await count(ctx.raw, 'check_state')).toBe(401);
  });

  it('grants a free lease, refuses it to another owner while held, and renews it for its owner', async () => {
    expect(await ctx.store.acquireLease('check', 'box-a', at(0), 60_000)).toBe(true);
    expect(await ctx.store.acquireLease('check', 'box-b', at(30), 60_000)).toBe(false);
    expect(await ctx.store.acquireLease('check', 'box-a', at(50), 60_000)).toBe(true);
    // Renewed until 110 s: still held at 100 s.
    expect(await ctx.store.acquireLease('check', 'box-b', at(100), 60_000)).toBe(false);
    const rows = await ctx.raw.query('SELECT owner, expires_at FROM leases');
    expect(rows.map((row) => [row.owner, String(row.expires_at)])).toEqual([['box-a', '2025-03-01 10:01:50.123']]);
  });

  it('lets another owner take over an expired lease', async () => {
    await ctx.store.acquireLease('check', 'box-a', at(0), 60_000);
    expect(await ctx.store.acquireLease('check', 'box-b', at(61), 60_000)).toBe(true);
    expect(await ctx.store.acquireLease('check', 'box-a', at(62), 60_000)).toBe(false);
  });

  it('reports a lease as held when its owner renews at the same instant', async () => {
    expect(await ctx.store.acquireLease('check', 'box-a', at(0), 60_000)).toBe(true);
    expect(await ctx.store.acquireLease('check', 'box-a', at(0), 60_000)).toBe(true);
  });

  it('frees a lease on release by its owner only', async () => {
    await ctx.store.acquireLease('check', 'box-a', at(0), 60_000);
    await ctx.store.releaseLease('check', 'box-b');
    expect(await ctx.store.acquireLease('check', 'box-b', at(1), 60_000)).toBe(false);
    await ctx.store.releaseLease('check', 'box-a');
    expect(await ctx.store.acquireLease('check', 'box-b', at(2), 60_000)).toBe(true);
  });

  it('keeps separate leases apart', async () => {
    expect(await ctx.store.acquireLease('check', 'box-a', at(0), 60_000)).toBe(true);
    expect(await ctx.store.acquireLease('prune', 'box-b', at(0), 60_000)).toBe(true);
  });

  it('records the holder and renews for its owner only (the heartbeat), keeping when it was first taken', async () => {
    expect(await ctx.store.acquireLease('check', 'box-a:1:x', at(0), 60_000, { host: 'box-a', pid: 1 })).toBe(true);
    expect(await ctx.store.renewLease('check', 'box-a:1:x', at(20), 60_000)).toBe(true);
    expect(await ctx.store.renewLease('check', 'box-b:2:y', at(25), 60_000)).toBe(false);
    expect(await ctx.store.renewLease('check', 'box-a:1:x', at(20), 60_000)).toBe(true); // same instant again
    expect(await ctx.store.acquireLease('check', 'box-a:1:x', at(30), 60_000, { host: 'box-a', pid: 1 })).toBe(true);
    expect(await ctx.store.getLease('check')).toEqual({
      name: 'check',
      owner: 'box-a:1:x',
      host: 'box-a',
      pid: 1,
      acquiredAt: at(0),
      renewedAt: at(30),
      expiresAt: at(90),
    });
    expect(await ctx.store.getLease('prune')).toBeNull();
  });

  it('takes a lease over from a named holder whatever its expiry, and only from that holder', async () => {
    await ctx.store.acquireLease('check', 'box-a:1:x', at(0), 60_000, { host: 'box-a', pid: 1 });
    expect(await ctx.store.takeOverLease('check', 'box-z:9:z', 'box-a:2:y', at(5), 60_000, { host: 'box-a', pid: 2 })).toBe(false);
    expect(await ctx.store.takeOverLease('check', 'box-a:1:x', 'box-a:2:y', at(5), 60_000, { host: 'box-a', pid: 2 })).toBe(true);
    expect(await ctx.store.takeOverLease('check', 'box-a:1:x', 'box-a:3:z', at(6), 60_000, { host: 'box-a', pid: 3 })).toBe(false);
    expect(await ctx.store.getLease('check')).toMatchObject({ owner: 'box-a:2:y', pid: 2, acquiredAt: at(5), expiresAt: at(65) });
    expect(await ctx.store.renewLease('check', 'box-a:1:x', at(7), 60_000)).toBe(false);
  });

  it("claims an outbox row for one token until it expires; a delivery or failure frees it; a dead run's claims can be freed", async () => {
    await ctx.store.enqueueNotifications([notification(), notification({ createdAt: at(1) })]);
    const [first, second] = await ctx.store.pendingNotifications(['webhook:0'], 3, 10);
    const id = first!.notificationId;
    expect(await ctx.store.claimNotification(id, 'run-a', at(10), at(70), 3)).toBe(true);
    expect(await ctx.store.claimNotification(id, 'run-a', at(10), at(70), 3)).toBe(true); // already ours
    expect(await ctx.store.claimNotification(id, 'run-b', at(69), at(129), 3)).toBe(false);
    // run-a died: its claim runs out, and the row is run-b's.
    expect(await ctx.store.claimNotification(id, 'run-b', at(71), at(131), 3)).toBe(true);
    await ctx.store.markNotificationFailed(id, 'HTTP 500', at(72));
    expect(await ctx.store.claimNotification(id, 'run-c', at(73), at(133), 3)).toBe(true);
    await ctx.store.markNotificationDelivered(id, at(74));
    expect(await ctx.store.claimNotification(id, 'run-d', at(200), at(260), 3)).toBe(false); // delivered: nothing to claim

    expect(await ctx.store.claimNotification(second!.notificationId, 'run-e', at(80), at(140), 3)).toBe(true);
    expect(await ctx.store.releaseNotificationClaims('run-x')).toBe(0);
    expect(await ctx.store.releaseNotificationClaims('run-e')).toBe(1);
    expect(await ctx.store.claimNotification(second!.notificationId, 'run-f', at(81), at(141), 3)).toBe(true);
  });

  it("claims a row only while it has attempts left under the claiming run's limit, in the claim statement itself", async () => {
    await ctx.store.enqueueNotifications([notification()]);
    const [row] = await ctx.store.pendingNotifications(['webhook:0'], 3, 10);
    const id = row!.notificationId;
    // Read as pending by a run allowing 2 attempts; meanwhile two other runs try it and fail.
    for (const [i, run] of ['run-a', 'run-b'].entries()) {
      expect(await ctx.store.claimNotification(id, run, at(10 + i), at(70 + i), 2)).toBe(true);
      await ctx.store.markNotificationFailed(id, 'HTTP 500', at(10 + i));
    }
    // Its 2 attempts are spent: the late claim of that run (or any with the same limit) gets nothing.
    expect(await ctx.store.claimNotification(id, 'run-c', at(20), at(80), 2)).toBe(false);
    expect(await ctx.store.claimNotification(id, 'run-c', at(20), at(80), 1)).toBe(false);
    // A run that allows 3 still may; its claim is then its own, and the row spent once it fails.
    expect(await ctx.store.claimNotification(id, 'run-d', at(21), at(81), 3)).toBe(true);
    expect(await ctx.store.claimNotification(id, 'run-d', at(21), at(81), 3)).toBe(true); // already ours, same instant
    await ctx.store.markNotificationFailed(id, 'HTTP 500', at(22));
    expect(await ctx.store.claimNotification(id, 'run-e', at(23), at(83), 3)).toBe(false);
    expect(await ctx.store.pendingNotifications(['webhook:0'], 3, 10)).toEqual([]);
  });

  it('stores settings by name, replacing the old value; unknown names give null', async () => {
    expect(await ctx.store.getSetting('checks_config_fingerprint')).toBeNull();
    await ctx.store.setSetting('checks_config_fingerprint', 'abc');
    await ctx.store.setSetting('other', 'x'.repeat(2000));
    await ctx.store.setSetting('checks_config_fingerprint', 'def');
    expect(await ctx.store.getSetting('checks_config_fingerprint')).toBe('def');
    expect(await ctx.store.getSetting('other')).toBe('x'.repeat(2000));
    expect(await count(ctx.raw, 'settings')).toBe(2);
  });

  it('hands out pending notifications of the given channels, oldest first, up to the limit per channel', async () => {
    await ctx.store.enqueueNotifications([
      notification({ channel: 'slack', createdAt: at(20) }),
      notification({ channel: 'email', createdAt: at(10), alertId: null, event: 'flapping', payload: { nested: { a: [1, 2] } } }),
      notification({ channel: 'webhook:0', createdAt: at(20) }),
      notification({ channel: 'email', createdAt: at(30) }),
      notification({ channel: 'command:0', createdAt: at(5) }),
    ]);
    const all = ['slack', 'email', 'webhook:0'];
    const pending = await ctx.store.pendingNotifications(all, 3, 10);
    expect(pending.map((row) => row.channel)).toEqual(['email', 'slack', 'webhook:0', 'email']);
    expect(pending[0]).toEqual({
      notificationId: expect.any(Number),
      alertId: null,
      channel: 'email',
      event: 'flapping',
      payload: { nested: { a: [1, 2] } },
      createdAt: at(10),
      attempts: 0,
      lastError: null,
      deliveredAt: null,
    });
    // One per channel: email's newer row waits; command:0 (not asked for) is never read.
    expect((await ctx.store.pendingNotifications(all, 3, 1)).map((row) => [row.channel, row.createdAt])).toEqual([
      ['email', at(10)],
      ['slack', at(20)],
      ['webhook:0', at(20)],
    ]);
    expect((await ctx.store.pendingNotifications(['command:0', 'command:0'], 3, 10)).map((row) => row.channel)).toEqual(['command:0']);
    expect(await ctx.store.pendingNotifications([], 3, 10)).toEqual([]);
  });

  it('drops delivered notifications from the pending list', async () => {
    await ctx.store.enqueueNotifications([notification({ channel: 'a' }), notification({ channel: 'b', createdAt: at(1) })]);
    const [first] = await ctx.store.pendingNotifications(['a', 'b', 'webhook:0'], 3, 10);
    await ctx.store.markNotificationDelivered(first!.notificationId, at(5));
    expect((await ctx.store.pendingNotifications(['a', 'b', 'webhook:0'], 3, 10)).map((row) => row.channel)).toEqual(['b']);
    const rows = await ctx.raw.query('SELECT delivered_at FROM notifications WHERE channel = ?', ['a']);
    expect(String(rows[0]!.delivered_at)).toBe('2025-03-01 10:00:05.123');
  });

  it('records failures and stops offering a notification after maxAttempts', async () => {
    await ctx.store.enqueueNotifications([notification()]);
    const [row] = await ctx.store.pendingNotifications(['webhook:0'], 2, 10);
    await ctx.store.markNotificationFailed(row!.notificationId, 'HTTP 500 from hooks.example.com', at(1));
    const [again] = await ctx.store.pendingNotifications(['webhook:0'], 2, 10);
    expect(again).toMatchObject({ attempts: 1, lastError: 'HTTP 500 from hooks.example.com', deliveredAt: null });
    await ctx.store.markNotificationFailed(row!.notificationId, 'timeout', at(2));
    expect(await ctx.store.pendingNotifications(['webhook:0'], 2, 10)).toEqual([]);
    expect(await ctx.store.pendingNotifications(['a', 'b', 'webhook:0'], 3, 10)).toMatchObject([{ attempts: 2, lastError: 'timeout' }]);
  });

  it('prunes finished notifications (delivered, or out of attempts) older than the cutoff, in batches, never pending ones', async () => {
    const channels = ['delivered-old', 'abandoned-old', 'retrying-old', 'untried-old', 'delivered-new'];
    await ctx.store.enqueueNotifications(
      channels.map((channel, i) => notification({ channel, createdAt: channel.endsWith('old') ? at(i) : at(100) })),
    );
    const rows = await ctx.store.pendingNotifications(channels, 3, 10);
    const id = (channel: string) => rows.find((row) => row.channel === channel)!.notificationId;
    await ctx.store.markNotificationDelivered(id('delivered-old'), at(10));
    await ctx.store.markNotificationDelivered(id('delivered-new'), at(110));
    for (let attempt = 0; attempt < 3; attempt++) await ctx.store.markNotificationFailed(id('abandoned-old'), 'HTTP 500', at(20));
    await ctx.store.markNotificationFailed(id('retrying-old'), 'HTTP 500', at(20));

    expect(await ctx.store.pruneFinishedNotifications(at(50), 3, 1)).toBe(2);

    const left = await ctx.raw.query('SELECT channel FROM notifications ORDER BY channel');
    expect(left.map((row) => row.channel)).toEqual(['delivered-new', 'retrying-old', 'untried-old']);
    expect(await ctx.store.pruneFinishedNotifications(at(50), 3, 1)).toBe(0);
  });
}
