// A sample row as the store takes it, and a report as an agent sends it: plain metrics by default,
// anything overridden.

import type { Report } from '../../src/reports/report.js';
import type { NewSample } from '../../src/store/types.js';

export function newSample(hostId: number, collectedAt: Date, overrides: Partial<NewSample> = {}): NewSample {
  return {
    hostId,
    collectedAt,
    receivedAt: collectedAt,
    cpuPct: 10,
    memPct: 20,
    diskPct: 30,
    load1: 0.5,
    datasetName: null,
    partitionKey: null,
    filesCount: null,
    firstEventAt: null,
    lastEventAt: null,
    ...overrides,
  };
}

/** A metrics report from host web-01 as an agent builds it: plain metrics by default, anything overridden. */
export function newReport(collectedAt: Date, overrides: Partial<Report> = {}): Report {
  return {
    hostName: 'web-01',
    collectedAt,
    cpuPct: 10,
    memPct: 20,
    diskPct: 30,
    load1: 0.5,
    datasetName: null,
    partitionKey: null,
    filesCount: null,
    firstEventAt: null,
    lastEventAt: null,
    ...overrides,
  };
}
