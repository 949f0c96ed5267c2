// The last line of defence against a duplicate announcement: two evaluators that read the same
// moment (a lease that lapsed, a clock that jumped) both decide to open — or both to resolve — the
// same alert. The database's one-open-alert key and the resolve-only-if-open update let the first
// writer win; the second records nothing, announces nothing and counts a conflict. Deterministic:
// the two runs' reads happen before either writes.

import { afterEach, expect, it } from 'vitest';
import { applyEvaluations } from '../../src/alerts/apply-transitions.js';
import { evaluateAll } from '../../src/alerts/evaluate-all.js';
import { loadCheckInputs } from '../../src/alerts/load-inputs.js';
import { createRegistry } from '../../src/checks/registry.js';
import { DEFAULT_ALERTING } from '../../src/config/defaults.js';
import { withTransactionRetry } from '../../src/store/retry.js';
import type { Store } from '../../src/store/store.js';
import { eachCheckBackend } from './support-check/backend.js';
import { alertRows, MINUTE, startFleet, type Fleet } from './support-check/ingest.js';

eachCheckBackend('two evaluators that read the same moment', (backend) => {
  let fleet: Fleet;
  let store: Store | null = null;
  afterEach(async () => {
    await store?.close();
    store = null;
    await fleet?.close();
  });

  it('open once and resolve once: the second writer finds it done and says nothing', async () => {
    fleet = await startFleet(backend());
    await fleet.addHost('storage-server-04');
    store = await backend().openStore();
    const registry = createRegistry();
    const { sampleMaxAgeMs, flapWindow, flapHighPct, flapLowPct } = DEFAULT_ALERTING;
    const flap = { window: flapWindow, highPct: flapHighPct, lowPct: flapLowPct };

    const twoRuns = async () => {
      const now = fleet.clock.now();
      const read = async () =>
        evaluateAll(await loadCheckInputs(store!, registry, { now, host: null, sampleMaxAgeMs }), { now, sampleMaxAgeMs, flap });
      const [first, second] = [await read(), await read()];
      const apply = (run: typeof first) =>
        withTransactionRetry(store!, (tx) => applyEvaluations(tx, run.changed, { now, notifications: () => [] }));
      return [await apply(first), await apply(second)] as const;
    };

    fleet.advance(MINUTE);
    await fleet.report('storage-server-04', { disk: 92 });
    const [opened, late] = await twoRuns();
    expect(opened.records.map((record) => `${record.event} ${record.checkKey}`)).toEqual(['open disk_space']);
    expect(late.records).toEqual([]);
    expect(late.conflicts).toBe(1);
    expect((await alertRows(backend())).map((alert) => alert.status)).toEqual(['open']);

    fleet.advance(MINUTE);
    await fleet.report('storage-server-04', { disk: 45 });
    const [resolved, lateAgain] = await twoRuns();
    expect(resolved.records.map((record) => `${record.event} ${record.checkKey}`)).toEqual(['resolve disk_space']);
    expect(lateAgain).toMatchObject({ records: [], conflicts: 1 });
    expect((await alertRows(backend())).map((alert) => alert.status)).toEqual(['resolved']);
  });
});
