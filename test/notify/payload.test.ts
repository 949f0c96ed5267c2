import { describe, expect, it } from 'vitest';
import type { TransitionRecord } from '../../src/alerts/types.js';
import { outboxRows, parseNotificationPayload, toNotificationPayload } from '../../src/notify/payload.js';
import { samplePayload } from './fixtures/payload.js';

const opened: TransitionRecord = {
  event: 'open',
  alertId: 15,
  hostName: 'storage-server-04',
  checkKey: 'disk_space',
  checkName: 'Disk Space',
  severity: 'critical',
  status: 'open',
  message: "Host 'storage-server-04' disk usage critical: 92%",
  value: 92,
  at: new Date('2025-03-01T10:00:00.000Z'),
  triggeredAt: new Date('2025-03-01T10:00:00.000Z'),
  resolvedAt: null,
  notify: true,
  quietReason: null,
  params: { warn: 80, crit: 90 },
};

const text = (record: TransitionRecord) => `line for ${record.event} #${record.alertId}`;

describe('notification payload', () => {
  it('carries the transition with ISO-8601 UTC times and the console line', () => {
    expect(toNotificationPayload(opened, samplePayload().text)).toEqual(samplePayload());
  });

  it('makes one outbox row per announced transition and channel, in order', () => {
    const resolved: TransitionRecord = {
      ...opened,
      event: 'resolve',
      status: 'resolved',
      resolvedAt: new Date('2025-03-01T10:30:00.000Z'),
    };
    const createdAt = new Date('2025-03-01T10:30:01.000Z');

    const rows = outboxRows([opened, resolved], ['webhook:0', 'slack'], text, createdAt);

    expect(rows.map((row) => [row.event, row.channel, row.alertId])).toEqual([
      ['open', 'webhook:0', 15],
      ['open', 'slack', 15],
      ['resolve', 'webhook:0', 15],
      ['resolve', 'slack', 15],
    ]);
    expect(rows[2]!.payload).toMatchObject({ text: 'line for resolve #15', resolved_at: '2025-03-01T10:30:00.000Z' });
    expect(rows.every((row) => row.createdAt === createdAt)).toBe(true);
  });

  it('makes no outbox rows for transitions recorded quietly', () => {
    const quiet: TransitionRecord = { ...opened, notify: false, quietReason: 'cooldown' };
    expect(outboxRows([quiet], ['webhook:0'], text, new Date())).toEqual([]);
  });

  it('reads back a stored payload exactly', () => {
    const stored = JSON.parse(JSON.stringify(samplePayload())) as Record<string, unknown>;
    expect(parseNotificationPayload(stored)).toEqual(samplePayload());
  });

  it('refuses a stored payload missing what every channel renders', () => {
    expect(parseNotificationPayload({ event: 'open', host_name: 'web-01' })).toBeNull();
    expect(parseNotificationPayload({ ...samplePayload(), event: 'exploded' })).toBeNull();
  });
});
