import { describe, expect, it } from 'vitest';
import { datasetFreshness } from '../../src/checks/dataset-freshness.js';
import type { DatasetReport } from '../../src/store/types.js';
import { at, MIN } from '../alerts/harness.js';

const HOUR = 60 * MIN;

function report(datasetName: string, minutesAgo: { collected: number; lastEvent: number | null }): DatasetReport {
  return {
    hostId: 1,
    datasetName,
    collectedAt: at(-minutesAgo.collected),
    partitionKey: '2025-03-01',
    filesCount: 3,
    firstEventAt: null,
    lastEventAt: minutesAgo.lastEvent === null ? null : at(-minutesAgo.lastEvent),
  };
}

function run(params: Record<string, unknown>, datasets: DatasetReport[]) {
  return datasetFreshness.evaluate({
    hostName: 'etl-01',
    hostCreatedAt: at(-6000),
    params,
    now: at(0),
    samples: [],
    lastReportAt: at(-1),
    datasets,
    current: 'ok',
    sampleMaxAgeMs: 5 * MIN,
  });
}

const params = { dataset: 'orders', warn: 2 * HOUR, crit: 6 * HOUR };

describe('dataset_freshness', () => {
  it('is fresh while the last event is recent', () => {
    expect(run(params, [report('orders', { collected: 5, lastEvent: 20 })])).toEqual({
      status: 'ok',
      value: 1200,
      message: "Host 'etl-01' dataset 'orders' fresh: last event 20m ago",
    });
  });

  it('is stale past warn and crit, judged on the last event even when the job ran recently', () => {
    expect(run(params, [report('orders', { collected: 1, lastEvent: 7 * 60 })])).toEqual({
      status: 'critical',
      value: 7 * 3600,
      message: "Host 'etl-01' dataset 'orders' stale: last event 7h ago",
    });
    expect(run(params, [report('orders', { collected: 1, lastEvent: 3 * 60 })]).status).toBe('warning');
  });

  it('falls back to collected_at when the report has no event time, and says so', () => {
    expect(run(params, [report('orders', { collected: 3 * 60, lastEvent: null })]).message).toBe(
      "Host 'etl-01' dataset 'orders' stale: last report 3h ago",
    );
  });

  it('uses collected_at when field says so', () => {
    expect(run({ ...params, field: 'collected_at' }, [report('orders', { collected: 10, lastEvent: 7 * 60 })])).toMatchObject({
      status: 'ok',
      message: "Host 'etl-01' dataset 'orders' fresh: last report 10m ago",
    });
  });

  it('is unknown when the dataset never reported', () => {
    expect(run(params, [report('clicks', { collected: 1, lastEvent: 1 })])).toEqual({
      status: 'unknown',
      value: null,
      message: "Host 'etl-01' dataset 'orders' unknown: no report",
    });
    expect(run({ crit: HOUR }, []).status).toBe('unknown');
  });

  it('without a dataset judges every dataset of the host and reports the stalest', () => {
    const datasets = [
      report('clicks', { collected: 1, lastEvent: 10 }),
      report('orders', { collected: 1, lastEvent: 3 * 60 }),
      report('refunds', { collected: 1, lastEvent: 4 * 60 }),
    ];
    expect(run({ warn: 2 * HOUR, crit: 6 * HOUR }, datasets)).toMatchObject({
      status: 'warning',
      message: "Host 'etl-01' dataset 'refunds' stale: last event 4h ago",
    });
  });
});
