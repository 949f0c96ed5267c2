import { describe, expect, it } from 'vitest';
import { datasetFreshness } from '../../src/checks/dataset-freshness.js';
import { filesCount } from '../../src/checks/files-count.js';
import { hostSilent } from '../../src/checks/host-silent.js';
import { metricThreshold } from '../../src/checks/metric-threshold.js';
import { normaliseParams } from '../../src/checks/params.js';
import type { CheckFunction } from '../../src/checks/types.js';

describe('param normalisation', () => {
  it('names the key and the bad value when a number is not one', () => {
    const { problems } = normaliseParams(metricThreshold, { metric: 'disk', warn: 80, crit: 'high' });
    expect(problems).toEqual([{ key: 'crit', message: "expected a number, got 'high'" }]);
  });

  it('accepts numbers written as text, as `--set crit=85` gives them', () => {
    expect(normaliseParams(metricThreshold, { metric: 'disk', crit: '85' })).toEqual({
      params: { metric: 'disk', crit: 85 },
      problems: [],
    });
  });

  it('rejects unknown keys, suggesting a close one and listing the known ones', () => {
    const { params, problems } = normaliseParams(metricThreshold, { metric: 'disk', crti: 90, warn: 80 });
    expect(problems).toEqual([
      {
        key: 'crti',
        message: "unknown param for metric_threshold; did you mean 'crit'? known params: metric, warn, crit, for, clear, aggregate",
      },
    ]);
    expect(params).toEqual({ metric: 'disk', warn: 80 });
  });

  it('rejects a value outside an enum, listing the allowed ones', () => {
    expect(normaliseParams(metricThreshold, { metric: 'gpu', crit: 90 }).problems).toEqual([
      { key: 'metric', message: "expected one of cpu, mem, disk, load, got 'gpu'" },
    ]);
  });

  it('reports a missing required param', () => {
    expect(normaliseParams(metricThreshold, { crit: 90 }).problems).toEqual([
      { key: 'metric', message: 'is required: cpu, mem or disk (percent), or load (1-minute load average)' },
    ]);
  });

  it('turns durations into milliseconds: text with units, "0s", and bare numbers as seconds', () => {
    expect(normaliseParams(metricThreshold, { metric: 'cpu', crit: 95, for: '5m' }).params.for).toBe(300_000);
    expect(normaliseParams(metricThreshold, { metric: 'cpu', crit: 95, for: '0s' }).params.for).toBe(0);
    expect(normaliseParams(metricThreshold, { metric: 'cpu', crit: 95, for: 90 }).params.for).toBe(90_000);
    expect(normaliseParams(hostSilent, { crit: '1h30m' }).params.crit).toBe(5_400_000);
  });

  it('names the key of a duration it cannot read', () => {
    expect(normaliseParams(hostSilent, { crit: 'soon' }).problems).toEqual([
      { key: 'crit', message: "expected a duration like 90s, 5m or 1h (a bare number is seconds), got 'soon'" },
    ]);
  });

  it('enforces min and max, shown in the unit people write', () => {
    expect(normaliseParams(metricThreshold, { metric: 'disk', warn: -5, crit: 90 }).problems).toEqual([
      { key: 'warn', message: 'must be at least 0, got -5' },
    ]);
    expect(normaliseParams(hostSilent, { crit: '0s' }).problems).toEqual([{ key: 'crit', message: 'must be at least 1s, got 0s' }]);
  });

  it('lets null remove an inherited default instead of failing', () => {
    expect(normaliseParams(metricThreshold, { metric: 'disk', warn: 80, crit: 90, clear: null })).toEqual({
      params: { metric: 'disk', warn: 80, crit: 90 },
      problems: [],
    });
  });

  it('reports every problem at once, one per key', () => {
    const { problems } = normaliseParams(metricThreshold, { metric: 'gpu', warn: 'x', crit: 'y', bogus: 1 });
    expect(problems.map((p) => p.key)).toEqual(['metric', 'warn', 'crit', 'bogus']);
  });

  it('checks booleans and strings of plugin params', () => {
    const fn: CheckFunction = {
      name: 'demo',
      description: 'demo',
      params: { strict: { type: 'boolean', description: '' }, path: { type: 'string', description: '' } },
      window: () => 0,
      evaluate: () => ({ status: 'ok', value: null, message: '' }),
    };
    expect(normaliseParams(fn, { strict: 'true', path: '/data' })).toEqual({ params: { strict: true, path: '/data' }, problems: [] });
    expect(normaliseParams(fn, { strict: 'maybe', path: '' }).problems).toEqual([
      { key: 'strict', message: "expected true or false, got 'maybe'" },
      { key: 'path', message: "expected a non-empty string, got ''" },
    ]);
  });
});

describe('cross-field param rules', () => {
  it('keeps percent thresholds within 0..100 but not load ones', () => {
    expect(normaliseParams(metricThreshold, { metric: 'disk', crit: 150 }).problems).toEqual([
      { key: 'crit', message: 'must be at most 100 for disk (a percentage), got 150' },
    ]);
    expect(normaliseParams(metricThreshold, { metric: 'load', crit: 150 }).problems).toEqual([]);
  });

  it('refuses warn above crit', () => {
    expect(normaliseParams(metricThreshold, { metric: 'disk', warn: 95, crit: 90 }).problems).toEqual([
      { key: 'warn', message: 'must not be above crit (90), got 95' },
    ]);
    expect(normaliseParams(hostSilent, { warn: '10m' }).problems).toEqual([
      { key: 'warn', message: 'must not be above crit (5m), got 10m' },
    ]);
  });

  it('refuses clear above the level an alert opens at', () => {
    expect(normaliseParams(metricThreshold, { metric: 'disk', warn: 80, crit: 90, clear: 85 }).problems).toEqual([
      { key: 'clear', message: 'must not be above warn (80), got 85: it is the level an alert must fall below to resolve' },
    ]);
  });

  it('needs at least one threshold', () => {
    expect(normaliseParams(metricThreshold, { metric: 'disk' }).problems).toEqual([{ key: 'crit', message: 'set warn, crit or both' }]);
    expect(normaliseParams(datasetFreshness, { dataset: 'orders' }).problems).toEqual([{ key: 'crit', message: 'set warn, crit or both' }]);
  });

  it('refuses a files_count warn below crit: both are minimums', () => {
    expect(normaliseParams(filesCount, { warn: 1, crit: 5 }).problems).toEqual([
      { key: 'warn', message: 'must not be below crit (5): both are minimum counts, got 1' },
    ]);
    expect(normaliseParams(filesCount, { warn: 10 }).problems).toEqual([]);
  });
});
