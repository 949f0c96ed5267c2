// Checks over several datasets report the worst one: people need to hear about the dataset that
// is failing, not that the others are fine.

import type { CheckResult } from './types.js';

const RANK = { unknown: 0, ok: 1, warning: 2, critical: 3 } as const;

/**
 * The most severe result; among equals the one with the larger value (the stalest dataset) — for
 * `lowerIsWorse` checks (minimum counts) the smaller. Unknown only when every result is unknown.
 */
export function worstOf(results: CheckResult[], lowerIsWorse = false): CheckResult {
  let worst = results[0]!;
  for (const result of results.slice(1)) {
    const byRank = RANK[result.status] - RANK[worst.status];
    const byValue = (result.value ?? 0) - (worst.value ?? 0);
    if (byRank > 0 || (byRank === 0 && (lowerIsWorse ? byValue < 0 : byValue > 0))) worst = result;
  }
  return worst;
}
