// Validated reports -> incoming_data rows for one authenticated host. Shared by the ingest server and
// by one-box `collect` (which writes straight to the database), so both apply the same host rule.

import { MonitorError } from '../errors.js';
import type { Host, NewSample } from '../store/types.js';
import type { Report } from './report.js';

/** A report names a host other than the one whose key sent it (HTTP 403). */
export class HostMismatchError extends MonitorError {
  readonly exitCode = 2 as const;
  readonly status = 403 as const;
}

/**
 * One row per report, all stamped with `receivedAt`. Throws HostMismatchError when any report's
 * host_name is not `host`'s: a key speaks for its own host only, so one leaked key cannot forge
 * another host's metrics.
 */
export function toSamples(host: Host, reports: Report[], receivedAt: Date): NewSample[] {
  return reports.map((report) => {
    if (report.hostName !== host.hostName) {
      throw new HostMismatchError(`report for host '${report.hostName}' sent with the key of '${host.hostName}'`);
    }
    return {
      hostId: host.hostId,
      collectedAt: report.collectedAt,
      receivedAt,
      cpuPct: report.cpuPct,
      memPct: report.memPct,
      diskPct: report.diskPct,
      load1: report.load1,
      datasetName: report.datasetName,
      partitionKey: report.partitionKey,
      filesCount: report.filesCount,
      firstEventAt: report.firstEventAt,
      lastEventAt: report.lastEventAt,
    };
  });
}
