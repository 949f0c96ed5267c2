import { describe, expect, it } from 'vitest';
import { isFlapping, percentStateChange } from '../../src/alerts/flap.js';
import { at, scenario } from './harness.js';

const nagios = { window: 21, highPct: 20, lowPct: 5 };

describe('percent state change (Nagios weighting)', () => {
  it('is 0 for a steady history and 100 for a full window of changes', () => {
    expect(percentStateChange('o'.repeat(21), 21)).toBe(0);
    expect(percentStateChange('oc'.repeat(10) + 'o', 21)).toBeCloseTo(100, 10);
  });

  it('weighs the newest change 1.25 and the oldest 0.75, over window - 1 changes', () => {
    expect(percentStateChange('o'.repeat(20) + 'c', 21)).toBeCloseTo(6.25, 10);
    expect(percentStateChange('c' + 'o'.repeat(20), 21)).toBeCloseTo(3.75, 10);
  });

  it('aligns a short history to its newest end', () => {
    expect(percentStateChange('oc', 21)).toBeCloseTo(6.25, 10);
    // changes at positions 16..19: 1.1711 + 1.1974 + 1.2237 + 1.25
    expect(percentStateChange('ococo', 21)).toBeCloseTo(24.21, 2);
  });

  it('counts a change between warning and critical like any other and only reads the last `window` entries', () => {
    expect(percentStateChange('wc', 21)).toBeCloseTo(6.25, 10);
    expect(percentStateChange('c' + 'o'.repeat(21), 21)).toBe(0);
  });
});

describe('flapping flag hysteresis', () => {
  it('starts at or above the high threshold and stops only at or below the low one', () => {
    expect(isFlapping('ococo', false, nagios).flapping).toBe(true);
    // 12.37%: between the thresholds, the previous flag stands either way
    expect(isFlapping('oco', false, nagios).flapping).toBe(false);
    expect(isFlapping('oco', true, nagios).flapping).toBe(true);
    expect(isFlapping('c' + 'o'.repeat(20), true, nagios)).toEqual({ flapping: false, percent: 3.75 });
  });
});

describe('evaluator while flapping', () => {
  it('sends one FLAPPING notice, keeps opens quiet while flapping (and their resolves), and a notice when it settles', () => {
    const run = scenario({ flap: nagios });
    const pattern = ['ok', 'critical', 'ok', 'critical', 'ok', 'critical', 'ok', 'critical', 'ok', 'critical'] as const;
    pattern.forEach((status, minute) => run.status(at(minute), status));
    expect(run.events()).toEqual([
      'open',
      'resolve',
      'open',
      // That opening was announced, so its resolve is too, though flapping began with it.
      'resolve',
      'flapping',
      'open(quiet:flapping)',
      'resolve(quiet:flapping)',
      'open(quiet:flapping)',
      'resolve(quiet:flapping)',
      'open(quiet:flapping)',
    ]);
    expect(run.state?.flapping).toBe(true);

    // Steady critical: the old changes age out until the rate is at or below 5%.
    let minute = pattern.length;
    while (run.state?.flapping) run.status(at(minute++), 'critical');
    expect(run.events().slice(10)).toEqual(['flapping_end']);
    expect(run.openAlert).not.toBeNull();
    // The notice told people the alert is open, so they hear it end.
    expect(run.state?.openNotified).toBe(true);
    expect(run.status(at(minute), 'ok')).toEqual([expect.objectContaining({ event: 'resolve', notify: true })]);
  });

  it("puts the alert change before the flapping notice when both happen at once, and sends an announced alert's resolve", () => {
    const run = scenario({ flap: nagios });
    ['ok', 'critical', 'ok', 'critical'].forEach((s, m) => run.status(at(m), s as 'ok' | 'critical'));
    const transitions = run.status(at(4), 'ok');
    expect(transitions.map((t) => [t.event, t.action?.kind ?? null, t.notify])).toEqual([
      ['resolve', 'resolve', true],
      ['flapping', null, true],
    ]);
  });

  it('sends the resolve of an alert announced before flapping began, while still flapping', () => {
    const run = scenario({ flap: nagios });
    // One alert, announced at 0; its severity changes make the check flap while it stays open.
    ['critical', 'warning', 'critical', 'warning', 'critical', 'warning'].forEach((s, m) => run.status(at(m), s as 'warning' | 'critical'));
    expect(run.state?.flapping).toBe(true);
    expect(run.events()[0]).toBe('open');
    expect(run.status(at(6), 'ok')).toEqual([expect.objectContaining({ event: 'resolve', notify: true, quietReason: null })]);
    expect(run.state?.flapping).toBe(true);
  });

  it('does not count no-data evaluations as state changes', () => {
    const run = scenario({ flap: nagios });
    for (let m = 0; m < 20; m++) run.status(at(m), m % 2 === 0 ? 'ok' : 'unknown');
    expect(run.state?.flapping).toBe(false);
    expect(run.state?.history).toBe('o'.repeat(10));
  });
});
