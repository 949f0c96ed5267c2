// A check function declares what it reads (CheckFunction.reads), and `monitor check` narrows its
// samples by that declaration alone — no test of which function it is — so a plugin gets the same
// narrow read as the built-in threshold, and a declaration that cannot be honoured is reported as
// the check's problem instead of misreading samples.

import { describe, expect, it } from 'vitest';
import { prepareCheckType, samplesRead } from '../../src/alerts/prepare-checks.js';
import { metricThreshold } from '../../src/checks/metric-threshold.js';
import { createRegistry } from '../../src/checks/registry.js';
import type { CheckFunction } from '../../src/checks/types.js';
import type { CheckType, MetricSample } from '../../src/store/types.js';

const MIN = 60_000;
const NOW = Date.parse('2026-05-04T12:00:00.000Z');
const MAX_AGE = 10 * MIN;

function checkType(functionName: string, params: Record<string, unknown>): CheckType {
  return {
    checkId: 1,
    checkKey: 'k',
    checkName: 'K',
    functionName,
    params,
    severity: 'critical',
    cooldownSeconds: 0,
  };
}

/** One sample a minute for the last 20 minutes, cpu only. */
function minutely(): MetricSample[] {
  const samples: MetricSample[] = [];
  for (let k = 19; k >= 0; k--)
    samples.push({ collectedAt: new Date(NOW - k * MIN), cpuPct: 50 + k, memPct: null, diskPct: null, load1: null });
  return samples;
}

/** A plugin that counts the samples it is handed, reading cpu over `for` as the threshold does. */
const sustainedCpu: CheckFunction = {
  name: 'sustained_cpu',
  description: 'counts the cpu samples it is given',
  params: { for: { type: 'duration', description: 'window' } },
  window: (params, maxAge) => (params.for as number) + maxAge,
  reads: (params) => ({ kind: 'metric', metric: 'cpuPct', forMs: params.for as number }),
  evaluate: (input) => ({ status: 'ok', value: input.samples.length, message: '' }),
};

describe('declared reads', () => {
  it('gives a plugin that declares a metric read the same narrow samples as the built-in threshold', () => {
    const registry = createRegistry([sustainedCpu]);
    const plugin = prepareCheckType(checkType('sustained_cpu', { for: '5m' }), {}, registry, MAX_AGE);
    // The built-in threshold reads the samples themselves only for avg (else the window's summary).
    const builtin = prepareCheckType(
      checkType('metric_threshold', { metric: 'cpu', crit: 90, for: '5m', aggregate: 'avg' }),
      {},
      registry,
      MAX_AGE,
    );
    if ('error' in plugin || 'error' in builtin) throw new Error('not prepared');
    expect(plugin.reads).toEqual({ kind: 'metric', metric: 'cpuPct', forMs: 5 * MIN });
    expect(plugin.reads).toEqual(builtin.reads);
    // The sample at the start of the 5-minute window and the five after it, not the 15-minute window.
    expect(samplesRead(plugin, minutely(), NOW)).toHaveLength(6);
  });

  it('narrows a copy of the built-in under another name too: the declaration decides, not identity', () => {
    const copy: CheckFunction = { ...metricThreshold, name: 'my_threshold' };
    const prepared = prepareCheckType(
      checkType('my_threshold', { metric: 'cpu', crit: 90, for: '0s' }),
      {},
      createRegistry([copy]),
      MAX_AGE,
    );
    if ('error' in prepared) throw new Error(prepared.error);
    expect(prepared.reads).toEqual({ kind: 'summary', metric: 'cpuPct', forMs: 0 });
    // Where the database cannot summarise a host, the samples handed over are as narrow.
    expect(samplesRead(prepared, minutely(), NOW)).toEqual([minutely().at(-1)]);
  });

  it('hands the whole window to a function that declares nothing', () => {
    const plain = { ...sustainedCpu };
    delete plain.reads;
    const prepared = prepareCheckType(checkType('sustained_cpu', { for: '5m' }), {}, createRegistry([plain]), MAX_AGE);
    if ('error' in prepared) throw new Error(prepared.error);
    expect(prepared.reads).toEqual({ kind: 'window' });
    expect(samplesRead(prepared, minutely(), NOW)).toHaveLength(15);
  });

  it('reports a declaration it cannot honour as the check problem, naming what was returned', () => {
    const cases: [string, CheckFunction['reads']][] = [
      ['unknown metric', () => ({ kind: 'metric', metric: 'swapPct', forMs: 0 }) as never],
      ['longer than the window', () => ({ kind: 'metric', metric: 'cpuPct', forMs: 60 * MIN })],
      [
        'throws',
        () => {
          throw new Error('boom');
        },
      ],
    ];
    for (const [label, reads] of cases) {
      const prepared = prepareCheckType(
        checkType('sustained_cpu', { for: '5m' }),
        {},
        createRegistry([{ ...sustainedCpu, reads }]),
        MAX_AGE,
      );
      expect('error' in prepared ? prepared.error : 'prepared', label).toMatch(/^reads\(\) /);
    }
  });
});
