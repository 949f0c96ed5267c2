import { describe, expect, it } from 'vitest';
import { metricThreshold } from '../../src/checks/metric-threshold.js';
import type { CheckInput } from '../../src/checks/types.js';
import type { MetricSample } from '../../src/store/types.js';
import { plain } from '../support/check-result.js';
import { at, MIN, sample } from '../alerts/harness.js';

const disk = { metric: 'disk', warn: 80, crit: 90 };

function run(params: Record<string, unknown>, samples: MetricSample[], extra: Partial<CheckInput> = {}) {
  return plain(
    metricThreshold.evaluate({
      hostName: 'storage-server-04',
      hostCreatedAt: at(-600),
      params,
      now: at(0),
      samples,
      lastReportAt: samples.at(-1)?.collectedAt ?? null,
      datasets: [],
      current: 'ok',
      sampleMaxAgeMs: 5 * MIN,
      ...extra,
    }),
  );
}

/** One sample a minute from `from` to `to` minutes, values from fn(minute). */
function everyMinute(from: number, to: number, values: (m: number) => Partial<Omit<MetricSample, 'collectedAt'>>): MetricSample[] {
  const out: MetricSample[] = [];
  for (let m = from; m <= to; m++) out.push(sample(m, values(m)));
  return out;
}

describe('metric_threshold messages', () => {
  it('says critical, warning and normal in the product shape', () => {
    expect(run(disk, [sample(0, { diskPct: 92 })])).toEqual({
      status: 'critical',
      value: 92,
      message: "Host 'storage-server-04' disk usage critical: 92%",
    });
    expect(run(disk, [sample(0, { diskPct: 85 })])).toEqual({
      status: 'warning',
      value: 85,
      message: "Host 'storage-server-04' disk usage warning: 85%",
    });
    expect(run(disk, [sample(0, { diskPct: 45 })])).toEqual({
      status: 'ok',
      value: 45,
      message: "Host 'storage-server-04' disk usage normal: 45%",
    });
  });

  it('shows whole percents whole and others with one decimal', () => {
    expect(run(disk, [sample(0, { diskPct: 92.5 })]).message).toBe("Host 'storage-server-04' disk usage critical: 92.5%");
    expect(run(disk, [sample(0, { diskPct: 92.04 })]).message).toBe("Host 'storage-server-04' disk usage critical: 92%");
  });

  it('names each metric in words and shows load without a percent sign', () => {
    const s = sample(0, { cpuPct: 97, memPct: 91, load1: 4.2 });
    expect(run({ metric: 'cpu', crit: 95 }, [s]).message).toBe("Host 'storage-server-04' CPU usage critical: 97%");
    expect(run({ metric: 'mem', crit: 90 }, [s]).message).toBe("Host 'storage-server-04' memory usage critical: 91%");
    expect(run({ metric: 'load', warn: 4, crit: 8 }, [s]).message).toBe("Host 'storage-server-04' load average warning: 4.2");
  });

  it('treats a value equal to a threshold as reaching it', () => {
    expect(run(disk, [sample(0, { diskPct: 90 })]).status).toBe('critical');
    expect(run(disk, [sample(0, { diskPct: 80 })]).status).toBe('warning');
  });

  it('goes critical with only crit set, skipping warning', () => {
    expect(run({ metric: 'disk', crit: 90 }, [sample(0, { diskPct: 85 })]).status).toBe('ok');
  });
});

describe('metric_threshold without `for`', () => {
  it('judges the newest sample that carries the metric', () => {
    const samples = [sample(-2, { diskPct: 95 }), sample(-1, { diskPct: 50 }), sample(0, { cpuPct: 10 })];
    expect(run(disk, samples)).toMatchObject({ status: 'ok', value: 50 });
  });

  it('is unknown without samples, or when the newest one is older than the max sample age', () => {
    expect(run(disk, [])).toEqual({ status: 'unknown', value: null, message: "Host 'storage-server-04' disk usage unknown: no data yet" });
    expect(run(disk, [], { lastReportAt: at(-9) }).message).toBe(
      "Host 'storage-server-04' disk usage unknown: no recent data (last report 9m ago)",
    );
    // recent reports that do not carry this metric (a pipeline-only host)
    expect(run(disk, [], { lastReportAt: at(-1) }).message).toBe("Host 'storage-server-04' disk usage unknown: no data");
    expect(run(disk, [sample(-6, { diskPct: 95 })])).toEqual({
      status: 'unknown',
      value: null,
      message: "Host 'storage-server-04' disk usage unknown: no recent data (last sample 6m ago)",
    });
    expect(run(disk, [sample(-5, { diskPct: 95 })]).status).toBe('critical');
  });

  it('ignores samples after now (a replay at a past moment)', () => {
    expect(run(disk, [sample(-1, { diskPct: 50 }), sample(1, { diskPct: 99 })]).status).toBe('ok');
  });

  it('needs a window of the max sample age', () => {
    expect(metricThreshold.window({ metric: 'disk', crit: 90 }, 5 * MIN)).toBe(5 * MIN);
    expect(metricThreshold.window({ metric: 'cpu', crit: 95, for: 5 * MIN }, 2 * MIN)).toBe(7 * MIN);
  });
});

describe('metric_threshold with `for`', () => {
  const cpu = { metric: 'cpu', warn: 85, crit: 95, for: 5 * MIN };

  it('fires when the whole window is at or above the level, saying over how long', () => {
    const result = run(
      cpu,
      everyMinute(-10, 0, (m) => ({ cpuPct: m % 2 === 0 ? 99 : 96 })),
    );
    expect(result).toEqual({ status: 'critical', value: 96, message: "Host 'storage-server-04' CPU usage critical: 96% over 5m" });
  });

  it('does not fire when one sample inside the window dipped below', () => {
    expect(
      run(
        cpu,
        everyMinute(-10, 0, (m) => ({ cpuPct: m === -2 ? 50 : 99 })),
      ),
    ).toMatchObject({ status: 'ok', value: 50 });
  });

  it('counts the sample in effect when the window started', () => {
    // the dip at -5 held until -4: the CPU was not above crit for the whole of the last 5m
    expect(
      run(
        cpu,
        everyMinute(-10, 0, (m) => ({ cpuPct: m === -5 ? 50 : 99 })),
      ).status,
    ).toBe('ok');
    expect(
      run(
        cpu,
        everyMinute(-10, 0, (m) => ({ cpuPct: m === -6 ? 50 : 99 })),
      ).status,
    ).toBe('critical');
  });

  it('is unknown for a host that started reporting less than `for` ago', () => {
    expect(
      run(
        cpu,
        everyMinute(-4, 0, () => ({ cpuPct: 99 })),
      ),
    ).toEqual({
      status: 'unknown',
      value: null,
      message: "Host 'storage-server-04' CPU usage unknown: waiting for 5m of data (4m so far)",
    });
  });

  it('is unknown when the samples inside the window have a gap longer than the max sample age', () => {
    const samples = [...everyMinute(-8, -4, () => ({ cpuPct: 99 })), sample(0, { cpuPct: 99 })];
    expect(run(cpu, samples, { sampleMaxAgeMs: 3 * MIN }).message).toBe(
      "Host 'storage-server-04' CPU usage unknown: no data for 4m within the last 5m",
    );
    expect(run(cpu, samples, { sampleMaxAgeMs: 4 * MIN }).status).toBe('critical');
  });

  describe('after a gap, decides when the samples it has already decide', () => {
    // Data returns at -1 after a 10-minute silence; the 4-minute window is not covered.
    const back = (values: number[]) => [sample(-12, { cpuPct: 99 }), ...values.map((v, i) => sample(-1 + i, { cpuPct: v }))];
    const cpu4 = { ...cpu, for: 4 * MIN };

    it('with min (the default), one sample below the lowest level is ok at once', () => {
      expect(run(cpu4, back([40, 99]))).toMatchObject({ status: 'ok', value: 40 });
      // All above warn: the missing minutes could have been anything; still unknown.
      expect(run(cpu4, back([97, 99]))).toMatchObject({
        status: 'unknown',
        message: "Host 'storage-server-04' CPU usage unknown: waiting for 4m of data (1m so far)",
      });
    });

    it('with min, an open alert held by clear stays undecided between clear and the lowest level', () => {
      const params = { ...cpu4, clear: 50 };
      expect(run(params, back([60, 99]), { current: 'critical' }).status).toBe('unknown');
      expect(run(params, back([40, 99]), { current: 'critical' })).toMatchObject({ status: 'ok', value: 40 });
    });

    it('with max, one sample at or above crit is critical at once; below crit is undecided', () => {
      const params = { ...cpu4, aggregate: 'max' };
      expect(run(params, back([40, 96]))).toMatchObject({ status: 'critical', value: 96 });
      expect(run(params, back([40, 90])).status).toBe('unknown');
    });

    it('with avg or last, waits for the whole window', () => {
      expect(run({ ...cpu4, aggregate: 'avg' }, back([10, 10])).status).toBe('unknown');
      expect(run({ ...cpu4, aggregate: 'last' }, back([99, 99])).status).toBe('unknown');
    });

    it('a host that just started is judged the same way', () => {
      expect(
        run(
          cpu,
          everyMinute(-2, 0, (m) => ({ cpuPct: m === -1 ? 30 : 99 })),
        ),
      ).toMatchObject({ status: 'ok', value: 30 });
    });
  });

  it('is unknown when the newest sample is stale even if the window was covered', () => {
    expect(
      run(
        cpu,
        everyMinute(-20, -6, () => ({ cpuPct: 99 })),
      ).message,
    ).toBe("Host 'storage-server-04' CPU usage unknown: no recent data (last sample 6m ago)");
  });

  it('aggregates with avg, max or last when asked', () => {
    const samples = everyMinute(-5, 0, (m) => ({ cpuPct: [90, 100, 80, 100, 90, 88][m + 5]! }));
    expect(run({ ...cpu, aggregate: 'avg' }, samples)).toMatchObject({ status: 'warning', value: 91.33 });
    expect(run({ ...cpu, aggregate: 'max' }, samples)).toMatchObject({ status: 'critical', value: 100 });
    expect(run({ ...cpu, aggregate: 'last' }, samples)).toMatchObject({ status: 'warning', value: 88 });
    expect(run(cpu, samples)).toMatchObject({ status: 'ok', value: 80 });
  });
});

describe('metric_threshold `clear` hysteresis', () => {
  const held = { metric: 'disk', warn: 80, crit: 90, clear: 70 };

  it('keeps an open alert at its severity between clear and the lowest threshold', () => {
    expect(run(held, [sample(0, { diskPct: 75 })], { current: 'warning' })).toEqual({
      status: 'warning',
      value: 75,
      message: "Host 'storage-server-04' disk usage warning: 75%",
    });
    expect(run(held, [sample(0, { diskPct: 75 })], { current: 'critical' }).status).toBe('critical');
  });

  it('resolves below clear, and does not open between clear and warn', () => {
    expect(run(held, [sample(0, { diskPct: 69 })], { current: 'warning' }).status).toBe('ok');
    expect(run(held, [sample(0, { diskPct: 75 })], { current: 'ok' }).status).toBe('ok');
  });

  it('still de-escalates from critical to warning above warn', () => {
    expect(run(held, [sample(0, { diskPct: 85 })], { current: 'critical' }).status).toBe('warning');
  });

  it('without clear resolves below warn, or below crit when there is no warn', () => {
    expect(run(disk, [sample(0, { diskPct: 79 })], { current: 'warning' }).status).toBe('ok');
    expect(run({ metric: 'disk', crit: 90 }, [sample(0, { diskPct: 89 })], { current: 'critical' }).status).toBe('ok');
  });
});

describe('metric_threshold with bad stored params', () => {
  it('is unknown instead of throwing when the metric is missing', () => {
    expect(run({ crit: 90 }, [sample(0, { diskPct: 95 })]).status).toBe('unknown');
  });
});
