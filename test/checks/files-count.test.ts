import { describe, expect, it } from 'vitest';
import { filesCount } from '../../src/checks/files-count.js';
import type { DatasetReport } from '../../src/store/types.js';
import { at, MIN } from '../alerts/harness.js';

function report(datasetName: string, count: number | null): DatasetReport {
  return { hostId: 1, datasetName, collectedAt: at(-1), partitionKey: 'p1', filesCount: count, firstEventAt: null, lastEventAt: null };
}

function run(params: Record<string, unknown>, datasets: DatasetReport[]) {
  return filesCount.evaluate({
    hostName: 'etl-01',
    hostCreatedAt: at(-600),
    params,
    now: at(0),
    samples: [],
    lastReportAt: at(-1),
    datasets,
    current: 'ok',
    sampleMaxAgeMs: 5 * MIN,
  });
}

describe('files_count', () => {
  it('is critical for an empty run by default', () => {
    expect(run({ dataset: 'orders' }, [report('orders', 0)])).toEqual({
      status: 'critical',
      value: 0,
      message: "Host 'etl-01' dataset 'orders' files count critical: 0 (expected at least 1)",
    });
  });

  it('warns below warn and is normal at or above it', () => {
    expect(run({ dataset: 'orders', warn: 10 }, [report('orders', 3)])).toEqual({
      status: 'warning',
      value: 3,
      message: "Host 'etl-01' dataset 'orders' files count warning: 3 (expected at least 10)",
    });
    expect(run({ dataset: 'orders', warn: 10 }, [report('orders', 12)])).toEqual({
      status: 'ok',
      value: 12,
      message: "Host 'etl-01' dataset 'orders' files count normal: 12",
    });
    expect(run({ dataset: 'orders', warn: 10 }, [report('orders', 10)]).status).toBe('ok');
  });

  it('without a dataset reports the worst dataset', () => {
    const result = run({ warn: 10 }, [report('a', 12), report('b', 5), report('c', 7), report('d', null)]);
    expect(result.message).toBe("Host 'etl-01' dataset 'b' files count warning: 5 (expected at least 10)");
  });

  it('is unknown when the dataset never reported or its report has no count', () => {
    expect(run({ dataset: 'orders' }, []).status).toBe('unknown');
    expect(run({ dataset: 'orders' }, [report('orders', null)])).toEqual({
      status: 'unknown',
      value: null,
      message: "Host 'etl-01' dataset 'orders' files count unknown: the newest report has no files count",
    });
  });
});
