import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/alerts/evaluate.js';
import type { CheckState } from '../../src/store/types.js';
import { at, check, MIN, noFlap, scenario } from './harness.js';

describe('evaluator: opening, escalating and resolving', () => {
  it('does nothing while a check stays ok', () => {
    const run = scenario();
    expect(run.status(at(0), 'ok')).toEqual([]);
    expect(run.status(at(1), 'ok')).toEqual([]);
    expect(run.state).toMatchObject({ status: 'ok', history: 'oo', openNotified: false });
  });

  it('opens a notified alert with the result message and value when a check goes from ok to critical', () => {
    const run = scenario();
    run.status(at(0), 'ok');
    const transitions = run.feed(at(1), { status: 'critical', value: 92, message: "Host 'storage-server-04' disk usage critical: 92%" });
    expect(transitions).toEqual([
      {
        event: 'open',
        action: { kind: 'open', severity: 'critical', message: "Host 'storage-server-04' disk usage critical: 92%", value: 92 },
        notify: true,
        quietReason: null,
      },
    ]);
    expect(run.state).toMatchObject({ status: 'critical', openNotified: true, since: at(1) });
  });

  it('does nothing while the open alert keeps its severity', () => {
    const run = scenario();
    run.status(at(0), 'warning');
    expect(run.status(at(1), 'warning')).toEqual([]);
    expect(run.status(at(2), 'warning')).toEqual([]);
    expect(run.state?.since).toEqual(at(0));
  });

  it('escalates a warning to critical and de-escalates it back, on the same alert', () => {
    const run = scenario();
    run.status(at(0), 'warning');
    const up = run.status(at(1), 'critical', 95);
    expect(up).toEqual([
      {
        event: 'escalate',
        action: { kind: 'change_severity', alertId: 15, severity: 'critical', message: 'disk usage critical', value: 95 },
        notify: true,
        quietReason: null,
      },
    ]);
    const down = run.status(at(2), 'warning', 85);
    expect(down[0]).toMatchObject({
      event: 'deescalate',
      action: { kind: 'change_severity', alertId: 15, severity: 'warning' },
      notify: true,
    });
  });

  it('resolves the open alert when the check returns to ok and remembers when', () => {
    const run = scenario();
    run.status(at(0), 'critical');
    const transitions = run.feed(at(3), { status: 'ok', value: 45, message: "Host 'storage-server-04' disk usage normal: 45%" });
    expect(transitions).toEqual([
      {
        event: 'resolve',
        action: { kind: 'resolve', alertId: 15, message: "Host 'storage-server-04' disk usage normal: 45%", value: 45 },
        notify: true,
        quietReason: null,
      },
    ]);
    expect(run.state).toMatchObject({ status: 'ok', lastResolvedAt: at(3), openNotified: false, since: at(3) });
    expect(run.openAlert).toBeNull();
  });
});

describe('evaluator: no data', () => {
  it('never resolves an open alert on unknown, however long the data is missing', () => {
    const run = scenario();
    run.status(at(0), 'critical');
    for (let minute = 1; minute <= 120; minute++) expect(run.status(at(minute), 'unknown')).toEqual([]);
    expect(run.openAlert).toMatchObject({ alertId: 15, severity: 'critical' });
    expect(run.state).toMatchObject({ status: 'unknown', since: at(1), history: 'c', evaluatedAt: at(120) });
  });

  it('never opens on unknown and leaves the flap history untouched', () => {
    const run = scenario();
    run.status(at(0), 'ok');
    expect(run.status(at(1), 'unknown')).toEqual([]);
    expect(run.state?.history).toBe('o');
  });

  it('resolves normally once data comes back ok after a gap', () => {
    const run = scenario();
    run.status(at(0), 'critical');
    run.status(at(1), 'unknown');
    expect(run.status(at(2), 'ok').map((t) => t.event)).toEqual(['resolve']);
  });
});

describe('evaluator: the open alert record decides', () => {
  it('re-opens when the remembered state says critical but nobody has an open alert any more', () => {
    const run = scenario();
    run.status(at(0), 'critical');
    run.dropAlert();
    expect(run.status(at(1), 'critical').map((t) => t.event)).toEqual(['open']);
  });

  it('resolves an alert it has no state for, and announces it: a duplicate resolve beats a lost one', () => {
    const outcome = evaluate({
      check,
      result: { status: 'ok', value: 40, message: 'normal' },
      previous: null,
      openAlert: { alertId: 99, severity: 'warning', acknowledged: false },
      now: at(0),
      flap: noFlap,
    });
    expect(outcome.transitions).toEqual([
      { event: 'resolve', action: { kind: 'resolve', alertId: 99, message: 'normal', value: 40 }, notify: true, quietReason: null },
    ]);
  });

  it('does not re-open an alert that another run already opened with the same severity', () => {
    const previous: CheckState = {
      hostId: 7,
      checkId: 3,
      status: 'ok',
      since: at(0),
      history: 'o',
      flapping: false,
      evaluatedAt: at(0),
      lastResolvedAt: null,
      openNotified: false,
    };
    const outcome = evaluate({
      check,
      result: { status: 'critical', value: 93, message: 'critical' },
      previous,
      openAlert: { alertId: 20, severity: 'critical', acknowledged: false },
      now: at(1),
      flap: noFlap,
    });
    expect(outcome.transitions).toEqual([]);
    expect(outcome.state).toMatchObject({ status: 'critical', since: at(1), history: 'oc' });
  });
});

describe('evaluator: state bookkeeping', () => {
  it('moves `since` only when the status changes and caps the history at the flap window', () => {
    const run = scenario({ flap: { window: 5, highPct: 101, lowPct: 100 } });
    run.status(at(0), 'ok');
    run.status(at(1), 'ok');
    expect(run.state?.since).toEqual(at(0));
    run.status(at(2), 'warning');
    run.status(at(3), 'warning');
    expect(run.state?.since).toEqual(at(2));
    run.status(at(4), 'critical');
    run.status(at(5), 'ok');
    expect(run.state?.history).toBe('owwco');
    run.status(at(6), 'ok');
    expect(run.state?.history).toBe('wwcoo');
  });
});

describe('evaluator: cooldown', () => {
  it('records a re-open soon after a resolve without notifying, then resolves it quietly too', () => {
    const run = scenario({ cooldownMs: 10 * MIN });
    run.status(at(0), 'critical');
    run.status(at(1), 'ok');
    const reopen = run.status(at(4), 'critical');
    expect(reopen).toEqual([expect.objectContaining({ event: 'open', notify: false, quietReason: 'cooldown' })]);
    expect(run.state?.openNotified).toBe(false);
    const resolve = run.status(at(5), 'ok');
    expect(resolve).toEqual([expect.objectContaining({ event: 'resolve', notify: false, quietReason: 'opened_quietly' })]);
  });

  it('notifies a re-open once the cooldown has passed', () => {
    const run = scenario({ cooldownMs: 10 * MIN });
    run.status(at(0), 'critical');
    run.status(at(1), 'ok');
    expect(run.status(at(11), 'critical')).toEqual([expect.objectContaining({ event: 'open', notify: true })]);
    expect(run.status(at(12), 'ok')).toEqual([expect.objectContaining({ event: 'resolve', notify: true })]);
  });

  it('announces a quietly opened alert that escalates to critical, and then its resolve', () => {
    const run = scenario({ cooldownMs: 10 * MIN });
    run.status(at(0), 'warning');
    run.status(at(1), 'ok');
    run.status(at(2), 'warning');
    expect(run.status(at(3), 'critical')).toEqual([expect.objectContaining({ event: 'escalate', notify: true })]);
    expect(run.status(at(4), 'ok')).toEqual([expect.objectContaining({ event: 'resolve', notify: true })]);
  });

  it('keeps the easing of a quietly opened alert quiet', () => {
    const run = scenario({ cooldownMs: 10 * MIN });
    run.status(at(0), 'critical');
    run.status(at(1), 'ok');
    run.status(at(2), 'critical');
    expect(run.status(at(3), 'warning')).toEqual([
      expect.objectContaining({ event: 'deescalate', notify: false, quietReason: 'opened_quietly' }),
    ]);
  });
});

describe('evaluator: acknowledgement', () => {
  it('keeps severity changes of an acknowledged alert quiet but announces its resolve', () => {
    const run = scenario();
    run.status(at(0), 'warning');
    run.ack();
    expect(run.status(at(1), 'critical')).toEqual([
      expect.objectContaining({ event: 'escalate', notify: false, quietReason: 'acknowledged' }),
    ]);
    expect(run.status(at(2), 'warning')).toEqual([
      expect.objectContaining({ event: 'deescalate', notify: false, quietReason: 'acknowledged' }),
    ]);
    expect(run.status(at(3), 'ok')).toEqual([expect.objectContaining({ event: 'resolve', notify: true, quietReason: null })]);
  });
});

describe('evaluator: the worst value while open (peak_value)', () => {
  const open = (peakValue: number | null, severity: 'warning' | 'critical' = 'critical') => ({
    alertId: 15,
    severity,
    acknowledged: false,
    triggeredAt: at(0),
    peakValue,
  });
  const previous: CheckState = {
    hostId: 7,
    checkId: 3,
    status: 'critical',
    since: at(0),
    history: 'c',
    flapping: false,
    evaluatedAt: at(0),
    lastResolvedAt: null,
    openNotified: true,
  };

  it('writes a new peak when the value gets worse, and none when it does not', () => {
    const worse = evaluate({
      check,
      result: { status: 'critical', value: 97, message: 'm' },
      previous,
      openAlert: open(93),
      now: at(1),
      flap: noFlap,
    });
    expect(worse.peak).toEqual({ alertId: 15, peakValue: 97 });
    expect(worse.transitions).toEqual([]);
    const better = evaluate({
      check,
      result: { status: 'critical', value: 91, message: 'm' },
      previous,
      openAlert: open(93),
      now: at(1),
      flap: noFlap,
    });
    expect(better.peak).toBeNull();
  });

  it('for a minimum check the lowest value is the peak, also across a severity change', () => {
    const minimum = { ...check, lowerIsWorse: true };
    expect(
      evaluate({
        check: minimum,
        result: { status: 'critical', value: 0, message: 'm' },
        previous,
        openAlert: open(1),
        now: at(1),
        flap: noFlap,
      }).peak,
    ).toEqual({ alertId: 15, peakValue: 0 });
    const eased = evaluate({
      check: minimum,
      result: { status: 'warning', value: 3, message: 'm' },
      previous,
      openAlert: open(0),
      now: at(1),
      flap: noFlap,
    });
    expect(eased.transitions[0]!.action).toMatchObject({ kind: 'change_severity', value: 3, peakValue: 0 });
  });
});

describe('evaluator: repeats and late announcements', () => {
  const base: CheckState = {
    hostId: 7,
    checkId: 3,
    status: 'critical',
    since: at(0),
    history: 'c',
    flapping: false,
    evaluatedAt: at(0),
    lastResolvedAt: null,
    openNotified: true,
    lastNotifiedAt: at(0),
  };
  const repeating = { ...check, repeatMs: 60 * MIN };
  const critical = { status: 'critical' as const, value: 97, message: 'm' };
  const openAlert = { alertId: 15, severity: 'critical' as const, acknowledged: false, triggeredAt: at(0) };

  it('repeats after repeat_interval from the last announcement, not before, and never when acknowledged or off', () => {
    expect(evaluate({ check: repeating, result: critical, previous: base, openAlert, now: at(59), flap: noFlap }).transitions).toEqual([]);
    const due = evaluate({ check: repeating, result: critical, previous: base, openAlert, now: at(60), flap: noFlap });
    expect(due.transitions).toEqual([{ event: 'repeat', action: null, notify: true, quietReason: null, openForMs: 60 * MIN }]);
    expect(due.state.lastNotifiedAt).toEqual(at(60));
    expect(
      evaluate({
        check: repeating,
        result: critical,
        previous: base,
        openAlert: { ...openAlert, acknowledged: true },
        now: at(90),
        flap: noFlap,
      }).transitions,
    ).toEqual([]);
    expect(evaluate({ check, result: critical, previous: base, openAlert, now: at(900), flap: noFlap }).transitions).toEqual([]);
    // Unknown data: the repeat waits for a result.
    expect(
      evaluate({
        check: repeating,
        result: { status: 'unknown', value: null, message: 'u' },
        previous: base,
        openAlert,
        now: at(90),
        flap: noFlap,
      }).transitions,
    ).toEqual([]);
  });

  it('announces an alert re-opened quietly in its cooldown once the cooldown is over, only then, and not an acknowledged one', () => {
    const quiet: CheckState = { ...base, openNotified: false, lastNotifiedAt: null, lastResolvedAt: at(0) };
    const reopened = { ...openAlert, triggeredAt: at(2) };
    const cooling = { ...check, cooldownMs: 5 * MIN };
    expect(
      evaluate({ check: cooling, result: critical, previous: quiet, openAlert: reopened, now: at(4), flap: noFlap }).transitions,
    ).toEqual([]);
    const late = evaluate({ check: cooling, result: critical, previous: quiet, openAlert: reopened, now: at(5), flap: noFlap });
    expect(late.transitions).toEqual([{ event: 'open', action: null, notify: true, quietReason: null, reopenedAt: at(2) }]);
    expect(late.state.openNotified).toBe(true);
    expect(
      evaluate({
        check: cooling,
        result: critical,
        previous: quiet,
        openAlert: { ...reopened, acknowledged: true },
        now: at(5),
        flap: noFlap,
      }).transitions,
    ).toEqual([]);
  });
});
