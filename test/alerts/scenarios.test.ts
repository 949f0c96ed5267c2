// Whole stories: a check function over a stream of samples, its results fed through the evaluator
// minute by minute, each outcome's state into the next call. No clock but the `now` passed in.

import { describe, expect, it } from 'vitest';
import { metricThreshold } from '../../src/checks/metric-threshold.js';
import type { MetricSample } from '../../src/store/types.js';
import { MIN, sample, timeline } from './harness.js';

const cpu = { metric: 'cpu', warn: 85, crit: 95, for: 5 * MIN };

function cpuSeries(from: number, to: number, value: (minute: number) => number): MetricSample[] {
  const out: MetricSample[] = [];
  for (let m = from; m <= to; m++) out.push(sample(m, { cpuPct: value(m) }));
  return out;
}

describe('sustained thresholds (`for`) through the evaluator', () => {
  it('does not fire for a host that just started, and fires once the whole window is above', () => {
    const t = timeline(
      metricThreshold,
      cpu,
      cpuSeries(0, 20, () => 99),
    );
    for (let m = 0; m < 5; m++) expect(t.evaluateAt(m).result.status).toBe('unknown');
    const fired = t.evaluateAt(5);
    expect(fired.transitions).toEqual([
      expect.objectContaining({
        event: 'open',
        notify: true,
        action: expect.objectContaining({ message: "Host 'storage-server-04' CPU usage critical: 99% over 5m" }),
      }),
    ]);
    for (let m = 6; m <= 10; m++) expect(t.evaluateAt(m).transitions).toEqual([]);
  });

  it('restarts the wait after a dip, like a Prometheus pending alert', () => {
    const t = timeline(
      metricThreshold,
      cpu,
      cpuSeries(-10, 20, (m) => (m === 3 ? 40 : 99)),
    );
    const opened: number[] = [];
    for (let m = 0; m <= 12; m++) if (t.evaluateAt(m).transitions.some((x) => x.event === 'open')) opened.push(m);
    // above since -10, so it fires at 0; the dip sampled at 3 ends that alert, and the CPU is back
    // above from the sample at 4, so it re-opens once that is 5m old
    expect(opened).toEqual([0, 9]);
    expect(t.run.events()).toEqual(['open', 'resolve', 'open']);
  });
});

describe('no data through the evaluator', () => {
  it('keeps an alert open while the host is silent and resolves it when recovered data arrives', () => {
    const samples = [...cpuSeries(-10, 2, () => 97), ...cpuSeries(30, 40, () => 20)].map((s) => ({
      ...s,
      diskPct: s.cpuPct,
      cpuPct: null,
    }));
    const t = timeline(metricThreshold, { metric: 'disk', warn: 80, crit: 90 }, samples);
    expect(t.evaluateAt(0).transitions.map((x) => x.event)).toEqual(['open']);
    for (let m = 1; m < 30; m++) expect(t.evaluateAt(m).transitions).toEqual([]);
    expect(t.results[10]!.message).toBe("Host 'storage-server-04' disk usage unknown: no recent data (last report 8m ago)");
    expect(t.run.openAlert).not.toBeNull();
    const back = t.evaluateAt(30);
    expect(back.transitions).toEqual([
      expect.objectContaining({
        event: 'resolve',
        notify: true,
        action: expect.objectContaining({ message: "Host 'storage-server-04' disk usage normal: 20%" }),
      }),
    ]);
  });
});

describe('`clear` hysteresis through the evaluator', () => {
  it('holds the alert open between clear and warn and resolves only below clear', () => {
    const values = [85, 79, 72, 78, 71, 69, 75];
    const samples = values.map((v, m) => sample(m, { diskPct: v }));
    const t = timeline(metricThreshold, { metric: 'disk', warn: 80, crit: 90, clear: 70 }, samples);
    const events = values.map((_, m) =>
      t
        .evaluateAt(m)
        .transitions.map((x) => x.event)
        .join(','),
    );
    // opens at 85, held through 79/72/78/71, resolves at 69, and 75 (below warn) does not re-open
    expect(events).toEqual(['open', '', '', '', '', 'resolve', '']);
  });

  it('without clear the same values resolve and re-open as the value crosses warn', () => {
    const values = [85, 79, 81, 79];
    const samples = values.map((v, m) => sample(m, { diskPct: v }));
    const t = timeline(metricThreshold, { metric: 'disk', warn: 80, crit: 90 }, samples);
    values.forEach((_, m) => t.evaluateAt(m));
    expect(t.run.events()).toEqual(['open', 'resolve', 'open', 'resolve']);
  });
});

describe('escalation through the evaluator', () => {
  it('escalates one alert from warning to critical and de-escalates it, then resolves', () => {
    const values = [50, 85, 93, 86, 40];
    const t = timeline(
      metricThreshold,
      { metric: 'disk', warn: 80, crit: 90 },
      values.map((v, m) => sample(m, { diskPct: v })),
    );
    values.forEach((_, m) => t.evaluateAt(m));
    expect(t.run.events()).toEqual(['open', 'escalate', 'deescalate', 'resolve']);
    expect(t.run.steps[2]!.transitions[0]!.action).toEqual({
      kind: 'change_severity',
      alertId: 15,
      severity: 'critical',
      message: "Host 'storage-server-04' disk usage critical: 93%",
      value: 93,
    });
  });
});
