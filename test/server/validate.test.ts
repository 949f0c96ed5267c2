import { describe, expect, it } from 'vitest';
import { InvalidReportError, parseReportsBody } from '../../src/reports/validate.js';
import { parseZonedTime } from '../../src/time/zoned-time.js';
import { HostMismatchError, toSamples } from '../../src/reports/ingest.js';
import type { Host } from '../../src/store/types.js';

const now = new Date('2025-03-10T12:00:00.000Z');
const good = { host_name: 'web-01', collected_at: '2025-03-10T11:59:00.250Z', cpu_pct: 12.5, mem_pct: 40, disk_pct: 71, load_1: 0.42 };

function refusal(body: unknown): InvalidReportError {
  try {
    parseReportsBody(body, now);
  } catch (error) {
    if (error instanceof InvalidReportError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('report body validation', () => {
  it('turns one wire report into a typed report with UTC dates', () => {
    const [report] = parseReportsBody(good, now);
    expect(report).toEqual({
      hostName: 'web-01',
      collectedAt: new Date('2025-03-10T11:59:00.250Z'),
      cpuPct: 12.5,
      memPct: 40,
      diskPct: 71,
      load1: 0.42,
      datasetName: null,
      partitionKey: null,
      filesCount: null,
      firstEventAt: null,
      lastEventAt: null,
    });
  });

  it('accepts {"reports": [...]} and a pipeline-only report without metrics', () => {
    const pipeline = {
      host_name: 'etl-1',
      collected_at: '2025-03-10T13:00:00+02:00',
      dataset_name: 'sales/daily:v2',
      partition_key: 'dt=2025-03-10',
      files_count: 0,
      first_event_at: '2025-03-10T00:00:00Z',
      last_event_at: '2025-03-10T10:00:00Z',
    };
    const reports = parseReportsBody({ reports: [good, pipeline] }, now);
    expect(reports).toHaveLength(2);
    expect(reports[1]!.collectedAt.toISOString()).toBe('2025-03-10T11:00:00.000Z');
    expect(reports[1]!.filesCount).toBe(0);
    expect(reports[1]!.cpuPct).toBeNull();
  });

  it('treats null metrics as absent', () => {
    const [report] = parseReportsBody({ ...good, cpu_pct: null, load_1: null }, now);
    expect(report!.cpuPct).toBeNull();
    expect(report!.load1).toBeNull();
  });

  it.each([
    ['a number above 100', { ...good, cpu_pct: 101 }, 'cpu_pct: must be a number from 0 to 100, got 101'],
    ['a negative percentage', { ...good, disk_pct: -0.5 }, 'disk_pct: must be a number from 0 to 100, got -0.5'],
    ['a number sent as a string', { ...good, mem_pct: '50' }, 'mem_pct: must be a number from 0 to 100, got "50"'],
    [
      'a number too large for a double',
      JSON.parse('{"host_name":"a","collected_at":"2025-03-10T11:00:00Z","load_1":1e400}'),
      'load_1: must be a number of 0 or more, got a number too large',
    ],
    ['a negative load', { ...good, load_1: -1 }, 'load_1: must be a number of 0 or more'],
    ['an absurd load that is still a finite double', { ...good, load_1: 1e308 }, 'load_1: must be at most 1000000, got 1e+308'],
    ['an unknown field', { ...good, cpu: 5 }, 'cpu: unknown field'],
    [
      'a __proto__ key',
      JSON.parse('{"host_name":"a","collected_at":"2025-03-10T11:00:00Z","cpu_pct":1,"__proto__":{"x":1}}'),
      '__proto__: unknown field',
    ],
    ['a time without a zone', { ...good, collected_at: '2025-03-10T11:00:00' }, 'collected_at: must be an ISO-8601 time with a zone'],
    ['an impossible date', { ...good, collected_at: '2025-02-30T11:00:00Z' }, 'collected_at: must be an ISO-8601 time'],
    [
      'a time far in the future',
      { ...good, collected_at: '2025-03-10T12:06:00Z' },
      "collected_at: must not be more than 5 minutes ahead of the server's clock",
    ],
    ['a time over a year old', { ...good, collected_at: '2024-01-01T00:00:00Z' }, 'collected_at: must be within the last year'],
    ['a missing collected_at', { host_name: 'a', cpu_pct: 1 }, 'collected_at: is required'],
    ['a missing host_name', { collected_at: good.collected_at, cpu_pct: 1 }, 'host_name: is required'],
    ['an empty host_name', { ...good, host_name: '' }, 'host_name: must not be empty'],
    ['SQL in host_name', { ...good, host_name: "web'; DROP TABLE hosts; --" }, 'host_name: may only hold letters, digits'],
    ['a host_name that `hosts add` would refuse', { ...good, host_name: '-web-01' }, 'host_name: may only hold letters, digits'],
    ['a 192-character host_name', { ...good, host_name: 'h'.repeat(192) }, 'host_name: must be at most 191 characters, got 192'],
    ['SQL in dataset_name', { ...good, dataset_name: "x' OR '1'='1" }, 'dataset_name: may only hold'],
    [
      'control characters in partition_key',
      { ...good, dataset_name: 'd', partition_key: 'a\nb' },
      'partition_key: must not contain control characters',
    ],
    ['a fractional files_count', { ...good, dataset_name: 'd', files_count: 1.5 }, 'files_count: must be a whole number'],
    ['pipeline facts without dataset_name', { ...good, files_count: 3 }, 'files_count: is a pipeline fact and needs dataset_name'],
    [
      'first event after last event',
      { ...good, dataset_name: 'd', first_event_at: '2025-03-10T02:00:00Z', last_event_at: '2025-03-10T01:00:00Z' },
      'first_event_at: must not be after last_event_at',
    ],
    [
      'no metric and no dataset',
      { host_name: 'a', collected_at: good.collected_at },
      'report: must carry at least one of cpu_pct, mem_pct, disk_pct, load_1 or dataset_name',
    ],
    ['a boolean metric', { ...good, cpu_pct: true }, 'cpu_pct: must be a number from 0 to 100, got true (a boolean)'],
  ])('refuses %s, naming the field', (_name, body, message) => {
    expect(refusal(body).message).toContain(message);
  });

  it.each([
    ['null', null, 'body: must be a JSON object'],
    ['an array', [good], 'body: must be a JSON object (one report or {"reports": [...]}), got an array'],
    ['a string', 'hello', 'body: must be a JSON object'],
    ['a number', 42, 'body: must be a JSON object'],
  ])('refuses %s at the top level', (_name, body, message) => {
    expect(refusal(body).message).toContain(message);
  });

  it('names the index of the bad report in a batch', () => {
    const reports = [good, good, good, { ...good, cpu_pct: 101 }];
    const error = refusal({ reports });
    expect(error.message).toBe('reports[3].cpu_pct: must be a number from 0 to 100, got 101');
    expect(error.field).toBe('reports[3].cpu_pct');
  });

  it('refuses an empty batch, a batch over 1000, a non-array and keys next to reports', () => {
    expect(refusal({ reports: [] }).message).toContain('reports: must hold at least one report');
    expect(refusal({ reports: Array.from({ length: 1001 }, () => good) }).message).toContain('at most 1000 reports per request, got 1001');
    expect(refusal({ reports: good }).message).toContain('reports: must be an array of reports, got an object');
    expect(refusal({ reports: [good], host_name: 'x' }).message).toContain('host_name: unknown field next to "reports"');
    expect(refusal({ reports: [null] }).message).toContain('reports[0]: must be a JSON object, got null');
  });

  it('quotes and shortens hostile field names in messages', () => {
    const message = refusal({ ...good, ['x"; DROP TABLE incoming_data; --' + 'y'.repeat(200)]: 1 }).message;
    expect(message.startsWith('"x\\"; DROP TABLE incoming_data; --yyy')).toBe(true);
    expect(message.length).toBeLessThan(400);
  });
});

describe('zoned ISO-8601 times', () => {
  it('applies the offset and keeps milliseconds', () => {
    expect(parseZonedTime('2025-03-10T13:30:00.5+01:30')!.toISOString()).toBe('2025-03-10T12:00:00.500Z');
    expect(parseZonedTime('2025-03-10T12:00Z')!.toISOString()).toBe('2025-03-10T12:00:00.000Z');
    expect(parseZonedTime('2024-02-29T00:00:00-05:00')!.toISOString()).toBe('2024-02-29T05:00:00.000Z');
  });

  it('refuses times without zone, impossible dates and other shapes', () => {
    for (const text of [
      '2025-03-10 12:00:00Z',
      '2025-03-10T12:00:00',
      '2023-02-29T00:00:00Z',
      '2025-13-01T00:00:00Z',
      '2025-03-10T24:00:00Z',
      '1712345678',
      '2025-03-10T12:00:00+0100',
    ]) {
      expect(parseZonedTime(text), text).toBeNull();
    }
  });
});

describe('reports to samples', () => {
  const host: Host = { hostId: 7, hostName: 'web-01', description: null, createdAt: now, lastSeen: null };

  it('stamps every row with the host id and the receive time', () => {
    const samples = toSamples(host, parseReportsBody(good, now), now);
    expect(samples).toEqual([expect.objectContaining({ hostId: 7, receivedAt: now, cpuPct: 12.5, datasetName: null })]);
  });

  it("refuses a report for another host sent with this host's key", () => {
    const reports = parseReportsBody({ reports: [good, { ...good, host_name: 'b' }] }, now);
    expect(() => toSamples(host, reports, now)).toThrow(HostMismatchError);
    expect(() => toSamples(host, reports, now)).toThrow("report for host 'b' sent with the key of 'web-01'");
  });
});
