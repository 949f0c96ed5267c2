import { describe, expect, it } from 'vitest';
import { effectiveStepMs, MAX_POINTS } from '../../src/web/downsample.js';
import { hostState } from '../../src/web/host-state.js';

const now = new Date('2026-12-07T10:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const state = (lastSeen: Date | null, open: { severity: 'warning' | 'critical'; checkKey: string }[] = []) =>
  hostState({ lastSeen, openAlerts: open, now, silentParams: { crit: 5 * 60_000 } });

describe('a host on the dashboard', () => {
  it('is CRIT with a critical alert open, even when it also went quiet', () => {
    expect(state(minutesAgo(1), [{ severity: 'critical', checkKey: 'disk_space' }])).toBe('CRIT');
    expect(
      state(minutesAgo(60), [
        { severity: 'critical', checkKey: 'disk_space' },
        { severity: 'critical', checkKey: 'host_silent' },
      ]),
    ).toBe('CRIT');
  });

  it('is SILENT with the host_silent alert open, or past the silence threshold before the checker noticed', () => {
    expect(state(minutesAgo(60), [{ severity: 'critical', checkKey: 'host_silent' }])).toBe('SILENT');
    expect(state(minutesAgo(6))).toBe('SILENT');
    expect(state(minutesAgo(6), [{ severity: 'warning', checkKey: 'memory_usage' }])).toBe('SILENT');
  });

  it('is SILENT exactly at the threshold, where the host_silent check turns critical too', () => {
    expect(state(minutesAgo(5))).toBe('SILENT');
  });

  it('is WARN with only warnings open, UNKNOWN before its first report, OK otherwise', () => {
    expect(state(minutesAgo(1), [{ severity: 'warning', checkKey: 'memory_usage' }])).toBe('WARN');
    expect(state(null)).toBe('UNKNOWN');
    expect(state(minutesAgo(4))).toBe('OK');
  });
});

describe('the chart step', () => {
  it('is the requested step (default one minute) unless that would give more than 1,000 points', () => {
    const day = 86_400_000;
    expect(effectiveStepMs(0, 3_600_000, null)).toBe(60_000);
    expect(effectiveStepMs(0, 3_600_000, 300_000)).toBe(300_000);
    expect(effectiveStepMs(0, 30 * day, null)).toBe(2_592_000);
    expect(effectiveStepMs(0, 30 * day, 1_000)).toBe(2_592_000);
    for (const span of [day, 7 * day, 30 * day, 400 * day])
      expect(Math.ceil(span / effectiveStepMs(0, span, 1_000))).toBeLessThanOrEqual(MAX_POINTS);
  });
});
