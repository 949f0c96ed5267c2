import { describe, expect, it } from 'vitest';
import { parsePipelineFlags, pipelineOnlyReport, withPipelineFacts } from '../../src/agent/pipeline.js';
import { UsageError } from '../../src/errors.js';
import type { Report } from '../../src/reports/report.js';

const now = new Date('2024-06-01T12:00:00Z');

describe('pipeline flags', () => {
  it('are absent when no pipeline flag is given', () => {
    expect(parsePipelineFlags({})).toBeNull();
  });

  it('turn into typed facts', () => {
    expect(
      parsePipelineFlags({
        dataset: 'orders',
        partition: '2024-06-01',
        files: '24',
        firstEvent: '2024-06-01T00:00:05Z',
        lastEvent: '2024-06-01T03:59:58+02:00',
      }),
    ).toEqual({
      datasetName: 'orders',
      partitionKey: '2024-06-01',
      filesCount: 24,
      firstEventAt: new Date('2024-06-01T00:00:05Z'),
      lastEventAt: new Date('2024-06-01T01:59:58Z'),
    });
  });

  it('need --dataset, because the dataset is part of what identifies the report', () => {
    expect(() => parsePipelineFlags({ files: '3' })).toThrow(UsageError);
    expect(() => parsePipelineFlags({ files: '3' })).toThrow(/--dataset/);
  });

  it.each([['-1'], ['2.5'], ['many'], ['']])('reject --files %j', (files) => {
    expect(() => parsePipelineFlags({ dataset: 'orders', files })).toThrow(/--files/);
  });

  it.each([['2024-06-01 02:00:00+0200'], ['2024-06-01t00:00:00z'], [' 2024-06-01T00:00:00Z ']])(
    'take %j, the same time typed another way',
    (time) => {
      expect(parsePipelineFlags({ dataset: 'orders', lastEvent: time })?.lastEventAt).toEqual(new Date('2024-06-01T00:00:00Z'));
    },
  );

  it.each([
    ['2024-06-01'],
    ['2024-06-01T12:00:00'],
    ['yesterday'],
    ['2024-13-01T00:00:00Z'],
    ['2024-02-30T10:00:00Z'],
    ['2023-02-29T00:00:00Z'],
  ])('reject an event time without a zone, or an impossible date: %j', (time) => {
    expect(() => parsePipelineFlags({ dataset: 'orders', lastEvent: time })).toThrow(/--last-event.*ISO-8601/);
  });

  it('reject a first event after the last one', () => {
    expect(() => parsePipelineFlags({ dataset: 'orders', firstEvent: '2024-06-02T00:00:00Z', lastEvent: '2024-06-01T00:00:00Z' })).toThrow(
      /after/,
    );
  });
});

describe('pipeline reports', () => {
  const facts = { datasetName: 'orders', partitionKey: 'p1', filesCount: 3, firstEventAt: null, lastEventAt: now };

  it('ride on a metrics report without changing its metrics', () => {
    const metrics: Report = {
      ...pipelineOnlyReport('web-01', now, facts),
      cpuPct: 5,
      memPct: 6,
      diskPct: 7,
      load1: 0.5,
      datasetName: null,
      partitionKey: null,
      filesCount: null,
      lastEventAt: null,
    };
    const merged = withPipelineFacts(metrics, facts);
    expect(merged).toMatchObject({ cpuPct: 5, memPct: 6, diskPct: 7, load1: 0.5, datasetName: 'orders', filesCount: 3, lastEventAt: now });
    expect(metrics.datasetName).toBeNull();
  });

  it('can carry only the pipeline facts', () => {
    expect(pipelineOnlyReport('etl-01', now, facts)).toEqual({
      hostName: 'etl-01',
      collectedAt: now,
      cpuPct: null,
      memPct: null,
      diskPct: null,
      load1: null,
      ...facts,
    });
  });
});
