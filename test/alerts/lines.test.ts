import { describe, expect, it } from 'vitest';
import { formatTransitionLine } from '../../src/alerts/lines.js';
import type { TransitionRecord } from '../../src/alerts/types.js';

function record(overrides: Partial<TransitionRecord>): TransitionRecord {
  return {
    event: 'open',
    alertId: 15,
    hostName: 'storage-server-04',
    checkKey: 'disk_space',
    checkName: 'Disk Space',
    severity: 'critical',
    status: 'open',
    message: "Host 'storage-server-04' disk usage critical: 92%",
    value: 92,
    at: new Date('2025-03-01T12:00:00Z'),
    triggeredAt: new Date('2025-03-01T12:00:00Z'),
    resolvedAt: null,
    notify: true,
    quietReason: null,
    ...overrides,
  };
}

describe('transition lines', () => {
  it('prints a new alert and its resolve in the product shape', () => {
    expect(formatTransitionLine(record({}))).toBe("🚨 NEW ALERT #15: Disk Space - Host 'storage-server-04' disk usage critical: 92%");
    expect(
      formatTransitionLine(
        record({ event: 'resolve', status: 'resolved', message: "Host 'storage-server-04' disk usage normal: 45%", value: 45 }),
      ),
    ).toBe("✅ RESOLVED: Disk Space - Host 'storage-server-04' disk usage normal: 45%");
  });

  it('prints severity changes with the alert id', () => {
    expect(formatTransitionLine(record({ event: 'escalate', message: "Host 'storage-server-04' disk usage critical: 97%" }))).toBe(
      "⬆️ ESCALATED #15: Disk Space - Host 'storage-server-04' disk usage critical: 97%",
    );
    expect(
      formatTransitionLine(
        record({ event: 'deescalate', severity: 'warning', message: "Host 'storage-server-04' disk usage warning: 85%" }),
      ),
    ).toBe("⬇️ DE-ESCALATED #15: Disk Space - Host 'storage-server-04' disk usage warning: 85%");
  });

  it('prints the flapping notices, the end one with the current state', () => {
    expect(formatTransitionLine(record({ event: 'flapping', alertId: null, severity: null, status: null }))).toBe(
      "🔀 FLAPPING: Disk Space - Host 'storage-server-04' is flapping; notifications paused",
    );
    expect(formatTransitionLine(record({ event: 'flapping_end' }))).toBe(
      "🔁 FLAPPING ENDED: Disk Space - Host 'storage-server-04' disk usage critical: 92% (stable again, notifications resumed; alert #15 is open)",
    );
    expect(
      formatTransitionLine(
        record({ event: 'flapping_end', alertId: null, status: null, message: "Host 'storage-server-04' disk usage normal: 45%" }),
      ),
    ).toBe("🔁 FLAPPING ENDED: Disk Space - Host 'storage-server-04' disk usage normal: 45% (stable again, notifications resumed)");
  });

  it('leaves the id out of an alert not written yet (dry run)', () => {
    expect(formatTransitionLine(record({ alertId: null }))).toBe(
      "🚨 NEW ALERT: Disk Space - Host 'storage-server-04' disk usage critical: 92%",
    );
  });

  it('marks a quiet transition with the reason nobody was told', () => {
    expect(formatTransitionLine(record({ notify: false, quietReason: 'cooldown' }))).toBe(
      "🚨 NEW ALERT #15: Disk Space - Host 'storage-server-04' disk usage critical: 92% [not notified: in cooldown after a recent resolve]",
    );
  });
});
