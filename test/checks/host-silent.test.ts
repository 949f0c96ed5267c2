import { describe, expect, it } from 'vitest';
import { hostSilent } from '../../src/checks/host-silent.js';
import type { CheckInput } from '../../src/checks/types.js';
import { plain } from '../support/check-result.js';
import { at, MIN } from '../alerts/harness.js';

function run(params: Record<string, unknown>, lastReportAt: Date | null, hostCreatedAt = at(-600)) {
  const input: CheckInput = {
    hostName: 'web-01',
    hostCreatedAt,
    params,
    now: at(0),
    samples: [],
    lastReportAt,
    datasets: [],
    current: 'ok',
    sampleMaxAgeMs: 5 * MIN,
  };
  return plain(hostSilent.evaluate(input));
}

describe('host_silent', () => {
  it('is ok with the age of the last report while the host reports', () => {
    expect(run({}, new Date(at(0).getTime() - 30_000))).toEqual({
      status: 'ok',
      value: 30,
      message: "Host 'web-01' reporting: last report 30s ago",
    });
  });

  it('goes critical after the default 5m of silence, saying for how long', () => {
    expect(run({}, at(-7))).toEqual({ status: 'critical', value: 420, message: "Host 'web-01' silent: no report for 7m" });
    expect(run({}, at(-5)).status).toBe('critical');
    expect(run({}, new Date(at(-5).getTime() + 1)).status).toBe('ok');
  });

  it('warns at warn before going critical at crit', () => {
    const params = { warn: 3 * MIN, crit: 10 * MIN };
    expect(run(params, at(-4))).toMatchObject({ status: 'warning', message: "Host 'web-01' silent: no report for 4m" });
    expect(run(params, at(-11)).status).toBe('critical');
  });

  it('counts a host that never reported from when it was registered', () => {
    expect(run({}, null, at(-2))).toEqual({
      status: 'ok',
      value: 120,
      message: "Host 'web-01' waiting for its first report: added 2m ago",
    });
    expect(run({}, null, at(-90))).toEqual({
      status: 'critical',
      value: 5400,
      message: "Host 'web-01' silent: no report for 1h (never reported)",
    });
  });

  it('reads no samples', () => {
    expect(hostSilent.window({}, 5 * MIN)).toBe(0);
  });
});
