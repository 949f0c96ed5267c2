// The host-silence dependency is declared by the check (CheckFunction.hostLiveness), not tested by
// identity: a plugin that declares it silences its host's other checks and joins the fleet-wide hold
// back exactly as host_silent does, and a copy of host_silent without the declaration does neither.

import { describe, expect, it } from 'vitest';
import { evaluateAll } from '../../src/alerts/evaluate-all.js';
import { holdBackFleetSilence } from '../../src/alerts/fleet-silence.js';
import type { CheckRunInputs } from '../../src/alerts/load-inputs.js';
import type { PreparedCheck } from '../../src/alerts/prepare-checks.js';
import { hostSilent } from '../../src/checks/host-silent.js';
import type { CheckFunction } from '../../src/checks/types.js';
import type { CheckType, Host } from '../../src/store/types.js';

const NOW = new Date('2026-05-04T12:00:00.000Z');
const MIN = 60_000;

/** A plugin liveness check: silent (critical) when the last report is older than `after` ms. */
const heartbeat: CheckFunction = {
  name: 'heartbeat',
  description: 'critical without a report for `after`',
  params: {},
  window: () => 0,
  hostLiveness: { silentAt: (params, since, now) => now.getTime() - since.getTime() >= (params.after as number) },
  evaluate: (input) => {
    const since = input.lastReportAt ?? input.hostCreatedAt;
    const silent = heartbeat.hostLiveness!.silentAt(input.params, since, input.now);
    return { status: silent ? 'critical' : 'ok', value: null, message: silent ? 'silent' : 'reporting' };
  },
};

/** Always critical: what a check judging a stale sample would say. */
const alwaysCritical: CheckFunction = {
  name: 'always_critical',
  description: 'critical',
  params: {},
  window: () => 0,
  evaluate: () => ({ status: 'critical', value: 99, message: 'critical' }),
};

function host(hostId: number): Host {
  return { hostId, hostName: `h${hostId}`, description: null, createdAt: new Date(NOW.getTime() - 60 * MIN), lastSeen: null };
}

function type(checkId: number, checkKey: string): CheckType {
  return { checkId, checkKey, checkName: checkKey, functionName: checkKey, params: {}, severity: 'critical', cooldownSeconds: 0 };
}

function inputs(checks: PreparedCheck[], lastReports: Map<number, Date>): CheckRunInputs {
  return {
    checks,
    problems: [],
    samples: new Map(),
    windowSpecs: new Map(),
    windowRows: new Map(),
    summarySamples: new Map(),
    lastReports,
    datasets: new Map(),
    openAlerts: new Map(),
    states: new Map(),
  };
}

function prepared(fn: CheckFunction, h: Host, checkId: number, params: Record<string, unknown> = {}): PreparedCheck {
  return { host: h, type: type(checkId, fn.name), fn, params, window: 0, reads: { kind: 'window' } };
}

const options = { now: NOW, sampleMaxAgeMs: 10 * MIN, flap: { window: 21, highPct: 50, lowPct: 25 } };

function statuses(run: ReturnType<typeof evaluateAll>): Record<string, string> {
  return Object.fromEntries(run.changed.map((e) => [`${e.check.host.hostName}/${e.check.fn.name}`, e.result.status]));
}

describe('host liveness, declared by the check', () => {
  it("a plugin declaring hostLiveness makes a silent host's other checks unknown, and only that host's", () => {
    const quiet = host(1);
    const busy = host(2);
    const run = evaluateAll(
      inputs(
        [
          prepared(heartbeat, quiet, 1, { after: 5 * MIN }),
          prepared(alwaysCritical, quiet, 2),
          prepared(heartbeat, busy, 1, { after: 5 * MIN }),
          prepared(alwaysCritical, busy, 2),
        ],
        new Map([
          [1, new Date(NOW.getTime() - 8 * MIN)],
          [2, new Date(NOW.getTime() - MIN)],
        ]),
      ),
      options,
    );
    // (h2's heartbeat stays ok, as before: nothing changed, so it is not listed.)
    expect(statuses(run)).toEqual({ 'h1/heartbeat': 'critical', 'h1/always_critical': 'unknown', 'h2/always_critical': 'critical' });
  });

  it('a copy of host_silent without the declaration is an ordinary check: it silences nothing', () => {
    const { hostLiveness: _ignored, ...rest } = hostSilent;
    const copy: CheckFunction = { ...rest, name: 'my_silent' };
    const quiet = host(1);
    const run = evaluateAll(
      inputs([prepared(copy, quiet, 1), prepared(alwaysCritical, quiet, 2)], new Map([[1, new Date(NOW.getTime() - 30 * MIN)]])),
      options,
    );
    expect(statuses(run)).toEqual({ 'h1/my_silent': 'critical', 'h1/always_critical': 'critical' });
  });

  it('holds back the alerts of a plugin liveness check when every host is silent, as for host_silent', () => {
    const checks = [1, 2, 3].map((id) => prepared(heartbeat, host(id), 1, { after: 5 * MIN }));
    const lastReports = new Map(checks.map((c) => [c.host.hostId, new Date(NOW.getTime() - 20 * MIN)]));
    const run = evaluateAll(inputs(checks, lastReports), options);
    expect(run.changed).toHaveLength(3);
    const held = holdBackFleetSilence(inputs(checks, lastReports), run.changed, NOW);
    expect(held.changed).toEqual([]);
    expect(held.problem).toMatch(/^no reports from any host since .* \(3 hosts; their Host Silent alerts are held back/);
    // One host reporting again: nothing is held back.
    lastReports.set(2, new Date(NOW.getTime() - MIN));
    expect(holdBackFleetSilence(inputs(checks, lastReports), run.changed, NOW).problem).toBeNull();
  });
});
