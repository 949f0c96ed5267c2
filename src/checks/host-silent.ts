// host_silent: no report of any kind for longer than warn/crit. A host that was registered but never
// reported counts from its creation, so a forgotten crontab line is noticed too.

import { formatDurationCompact } from '../time/duration.js';
import { numberParam, severityAbove, thresholdOrderProblem } from './param-values.js';
import type { CheckFunction } from './types.js';
import { ageSeconds, coarseAge, hostRef } from './wording.js';
import { checkResult } from './result.js';

const DEFAULT_CRIT_MS = 5 * 60_000;

/** How long without a report before the check calls a host silent (critical): its crit, default 5 minutes. */
function silentAfterMs(params: Record<string, unknown>): number {
  return numberParam(params, 'crit') ?? DEFAULT_CRIT_MS;
}

function severityAt(params: Record<string, unknown>, since: Date, now: Date) {
  return severityAbove(Math.max(now.getTime() - since.getTime(), 0), numberParam(params, 'warn'), silentAfterMs(params));
}

/**
 * Whether the check, with these (normalised) params, calls a host silent (critical) at `now` when
 * its last report (or, never reported, its registration) was at `since`: for the listings that show
 * it between check runs (`hosts list`, the dashboard), so they agree with the check at the threshold.
 */
export function isSilentAt(params: Record<string, unknown>, since: Date, now: Date): boolean {
  return severityAt(params, since, now) === 'critical';
}

export const hostSilent: CheckFunction = {
  name: 'host_silent',
  description: 'no report from the host for longer than warn/crit',
  params: {
    warn: { type: 'duration', description: 'warning after this long without a report' },
    crit: { type: 'duration', min: 1000, description: 'critical after this long without a report (default 5m)' },
  },

  window() {
    return 0;
  },

  readsDatasets: false,

  hostLiveness: { silentAt: isSilentAt },

  validate(params) {
    return thresholdOrderProblem({ crit: DEFAULT_CRIT_MS, ...params }, formatDurationCompact);
  },

  evaluate(input) {
    const since = input.lastReportAt ?? input.hostCreatedAt;
    const ageMs = Math.max(input.now.getTime() - since.getTime(), 0);
    const status = severityAt(input.params, since, input.now);
    const never = input.lastReportAt === null;
    return checkResult(status, ageSeconds(ageMs), () => {
      const host = hostRef(input.hostName);
      const age = coarseAge(ageMs);
      if (status !== 'ok') return never ? `${host} silent: no report for ${age} (never reported)` : `${host} silent: no report for ${age}`;
      return never ? `${host} waiting for its first report: added ${age} ago` : `${host} reporting: last report ${age} ago`;
    });
  },
};
