// A host's state on the dashboard, from what the alert checker decided (open alerts) and when the
// host last reported. Pure: the fleet page, the host page and the read API all show the same word.

import { isSilentAt } from '../checks/host-silent.js';
import type { Alert } from '../store/types.js';

export type HostState = 'CRIT' | 'SILENT' | 'WARN' | 'UNKNOWN' | 'OK';

/** Worst first: the order of the fleet page. */
export const HOST_STATES: readonly HostState[] = ['CRIT', 'SILENT', 'WARN', 'UNKNOWN', 'OK'];

export function stateRank(state: HostState): number {
  return HOST_STATES.indexOf(state);
}

/**
 * CRIT: a critical alert is open (other than host silence). SILENT: the host_silent alert is open, or
 * nothing came for the check's threshold (the checker may not have run yet). WARN: a warning is open.
 * UNKNOWN: the host never reported. OK otherwise.
 */
export function hostState(input: {
  lastSeen: Date | null;
  openAlerts: readonly Pick<Alert, 'severity' | 'checkKey'>[];
  now: Date;
  /** The host_silent check type's params (normalised): silence is judged by the check's own rule. */
  silentParams: Record<string, unknown>;
}): HostState {
  const { lastSeen, openAlerts, now } = input;
  if (openAlerts.some((alert) => alert.severity === 'critical' && alert.checkKey !== 'host_silent')) return 'CRIT';
  if (openAlerts.some((alert) => alert.checkKey === 'host_silent')) return 'SILENT';
  if (lastSeen !== null && isSilentAt(input.silentParams, lastSeen, now)) return 'SILENT';
  if (openAlerts.length > 0) return 'WARN';
  if (lastSeen === null) return 'UNKNOWN';
  return 'OK';
}
