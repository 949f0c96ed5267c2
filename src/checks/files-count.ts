// files_count: a pipeline run delivered fewer files than expected. Reads each dataset's newest
// report; warn and crit are minimums, so lower is worse (crit defaults to 1: an empty run).

import { numberParam, stringParam } from './param-values.js';
import type { CheckFunction, CheckResult } from './types.js';
import { worstOf } from './worst.js';
import { hostRef } from './wording.js';

const DEFAULT_CRIT = 1;

export const filesCount: CheckFunction = {
  name: 'files_count',
  description: "a dataset's newest report has fewer files than warn/crit",
  lowerIsWorse: true,
  params: {
    dataset: { type: 'string', description: 'the dataset name (default: every dataset of the host; the worst decides)' },
    warn: { type: 'number', min: 0, description: 'warning when fewer files than this' },
    crit: { type: 'number', min: 0, description: 'critical when fewer files than this (default 1)' },
  },

  window() {
    return 0;
  },

  validate(params) {
    const warn = numberParam(params, 'warn');
    const crit = numberParam(params, 'crit') ?? DEFAULT_CRIT;
    if (warn !== null && warn < crit) {
      return [{ key: 'warn', message: `must not be below crit (${crit}): both are minimum counts, got ${warn}` }];
    }
    return [];
  },

  evaluate(input) {
    const host = hostRef(input.hostName);
    const dataset = stringParam(input.params, 'dataset');
    const warn = numberParam(input.params, 'warn');
    const crit = numberParam(input.params, 'crit') ?? DEFAULT_CRIT;
    const reports = input.datasets.filter((r) => r.datasetName !== '' && (dataset === null || r.datasetName === dataset));
    if (reports.length === 0) {
      const message =
        dataset === null ? `${host} datasets unknown: no dataset report yet` : `${host} dataset '${dataset}' unknown: no report`;
      return { status: 'unknown', value: null, message };
    }
    const results = reports.map((report): CheckResult => {
      const subject = `${host} dataset '${report.datasetName}' files count`;
      const count = report.filesCount;
      if (count === null) return { status: 'unknown', value: null, message: `${subject} unknown: the newest report has no files count` };
      if (count < crit) return { status: 'critical', value: count, message: `${subject} critical: ${count} (expected at least ${crit})` };
      if (warn !== null && count < warn)
        return { status: 'warning', value: count, message: `${subject} warning: ${count} (expected at least ${warn})` };
      return { status: 'ok', value: count, message: `${subject} normal: ${count}` };
    });
    return worstOf(results, true);
  },
};
