// A sample row as the store takes it, and a report as an agent sends it: plain metrics by default,
// anything overridden.

import type { Report } from '../../src/reports/report.js';
import type { NewSample } from '../../src/store/types.js';

/** What both carry besides who and when: plain metrics, no pipeline facts. */
const PLAIN_METRICS = {
  cpuPct: 10,
  memPct: 20,
  diskPct: 30,
  load1: 0.5,
  datasetName: null,
  partitionKey: null,
  filesCount: null,
  firstEventAt: null,
  lastEventAt: null,
} as const satisfies Partial<NewSample & Report>;

export function newSample(hostId: number, collectedAt: Date, overrides: Partial<NewSample> = {}): NewSample {
  return { hostId, collectedAt, receivedAt: collectedAt, ...PLAIN_METRICS, ...overrides };
}

/** A metrics report from host web-01 as an agent builds it. */
export function newReport(collectedAt: Date, overrides: Partial<Report> = {}): Report {
  return { hostName: 'web-01', collectedAt, ...PLAIN_METRICS, ...overrides };
}
