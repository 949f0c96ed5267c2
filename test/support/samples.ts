// A sample row as the store takes it: plain metrics by default, anything overridden.

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
