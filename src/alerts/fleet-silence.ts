// When no host at all has reported for host_silent's time, the likely cause is one thing — the
// ingest side (`monitor serve`, the network, the monitoring box itself) — not thousands of hosts at
// once. The run then raises one problem saying so and holds back the Host Silent alerts it would
// open, instead of paging about every host. Pure: inputs and `now` in, the kept evaluations out.
// A fleet of one host is just that host: its silence is alerted as usual.

import type { CheckEvaluation } from './evaluate-all.js';
import type { CheckRunInputs } from './load-inputs.js';

export interface FleetSilence {
  /** `changed` without the host-silence alerts held back. */
  changed: CheckEvaluation[];
  /** The one problem to show, or null when some host reports. */
  problem: string | null;
}

export function holdBackFleetSilence(inputs: CheckRunInputs, changed: CheckEvaluation[], now: Date): FleetSilence {
  // The host-liveness checks (host_silent, or a plugin's), as each declares itself.
  const silenceChecks = inputs.checks.filter((check) => check.fn.hostLiveness !== undefined);
  const hosts = new Set(silenceChecks.map((check) => check.host.hostId));
  if (hosts.size < 2) return { changed, problem: null };
  let newest: Date | null = null;
  for (const check of silenceChecks) {
    const liveness = check.fn.hostLiveness;
    if (liveness === undefined) continue;
    const last = inputs.lastReports.get(check.host.hostId) ?? null;
    const since = last ?? check.host.createdAt;
    if (!liveness.silentAt(check.params, since, now)) return { changed, problem: null };
    if (last !== null && (newest === null || last > newest)) newest = last;
  }
  const kept = changed.filter((evaluation) => evaluation.check.fn.hostLiveness === undefined || evaluation.openAlert !== null);
  const since = newest === null ? 'ever' : `since ${newest.toISOString()}`;
  return {
    changed: kept,
    problem: `no reports from any host ${since} — is \`monitor serve\` running? (${hosts.size} hosts; their Host Silent alerts are held back until one reports again)`,
  };
}
