// The thresholds a notification shows: the check's effective warn, crit, for and clear (type
// defaults under the host's overrides), so a reader sees what the value crossed without looking
// the config up. Durations read as people write them ("5m"), numbers stay numbers.

import type { CheckFunction } from '../checks/types.js';
import { formatDurationCompact } from '../time/duration.js';

const SHOWN = ['warn', 'crit', 'for', 'clear'] as const;

export function thresholdParams(fn: CheckFunction, params: Record<string, unknown>): Record<string, number | string> {
  const shown: Record<string, number | string> = {};
  for (const key of SHOWN) {
    const value = params[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    shown[key] = fn.params[key]?.type === 'duration' ? (value === 0 ? '0s' : formatDurationCompact(value)) : value;
  }
  return shown;
}
