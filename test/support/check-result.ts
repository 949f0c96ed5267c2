// A check result as the plain { status, value, message } a plugin returns: the built-ins' results
// word their message lazily (src/checks/result.ts), so toEqual compares this copy.

import type { CheckResult } from '../../src/checks/types.js';

export function plain(result: CheckResult): CheckResult {
  return { status: result.status, value: result.value, message: result.message };
}
