// A check result whose sentence is worded only when someone reads it. `monitor check` evaluates
// every host check each run, but reads the message only of the few that change state; at 40,000
// checks, formatting the other sentences is a measurable share of a run.

import type { CheckStatus } from '../store/types.js';
import type { CheckResult } from './types.js';

export function checkResult(status: CheckStatus, value: number | null, message: () => string): CheckResult {
  let text: string | undefined;
  return {
    status,
    value,
    get message() {
      return (text ??= message());
    },
  };
}
