// dataset_freshness: a pipeline's newest data is older than warn/crit. Reads each dataset's newest
// report; `last_event_at` says how fresh the data is, `collected_at` only that the job ran, so the
// former is the default and the latter the fallback when a report carries no event time.

import type { DatasetReport } from '../store/types.js';
import { formatDurationCompact } from '../time/duration.js';
import { numberParam, severityAbove, stringParam, thresholdOrderProblem } from './param-values.js';
import type { CheckFunction, CheckResult } from './types.js';
import { worstOf } from './worst.js';
import { ageSeconds, coarseAge, hostRef } from './wording.js';

type Field = 'last_event_at' | 'collected_at';

export const datasetFreshness: CheckFunction = {
  name: 'dataset_freshness',
  description: "a dataset's newest event (or report) is older than warn/crit",
  params: {
    dataset: { type: 'string', description: 'the dataset name (default: every dataset of the host; the stalest decides)' },
    warn: { type: 'duration', description: 'warning when the data is older than this' },
    crit: { type: 'duration', description: 'critical when the data is older than this' },
    field: {
      type: 'enum',
      values: ['last_event_at', 'collected_at'],
      description: 'which time says how fresh it is (default last_event_at, falling back to collected_at when a report has none)',
    },
  },

  window() {
    return 0;
  },

  validate(params) {
    const problems = thresholdOrderProblem(params, formatDurationCompact);
    if (numberParam(params, 'warn') === null && numberParam(params, 'crit') === null) {
      problems.push({ key: 'crit', message: 'set warn, crit or both' });
    }
    return problems;
  },

  evaluate(input) {
    const host = hostRef(input.hostName);
    const dataset = stringParam(input.params, 'dataset');
    const field: Field = stringParam(input.params, 'field') === 'collected_at' ? 'collected_at' : 'last_event_at';
    const warn = numberParam(input.params, 'warn');
    const crit = numberParam(input.params, 'crit');
    const reports = input.datasets.filter((r) => r.datasetName !== '' && (dataset === null || r.datasetName === dataset));
    if (reports.length === 0) {
      const message =
        dataset === null ? `${host} datasets unknown: no dataset report yet` : `${host} dataset '${dataset}' unknown: no report`;
      return { status: 'unknown', value: null, message };
    }
    const now = input.now.getTime();
    const results = reports.map((report): CheckResult => {
      const { at, what } = freshnessTime(report, field);
      const ageMs = Math.max(now - at.getTime(), 0);
      const status = severityAbove(ageMs, warn, crit);
      const state = status === 'ok' ? 'fresh' : 'stale';
      return {
        status,
        value: ageSeconds(ageMs),
        message: `${host} dataset '${report.datasetName}' ${state}: ${what} ${coarseAge(ageMs)} ago`,
      };
    });
    return worstOf(results);
  },
};

function freshnessTime(report: DatasetReport, field: Field): { at: Date; what: string } {
  if (field === 'last_event_at' && report.lastEventAt !== null) return { at: report.lastEventAt, what: 'last event' };
  return { at: report.collectedAt, what: 'last report' };
}
