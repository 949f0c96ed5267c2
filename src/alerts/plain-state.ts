// A check that is OK and has been OK for its whole remembered history, not flapping, with no resolve
// recent enough to matter for cooldown, has nothing to remember. Such "plain" states are not stored:
// a missing check_state row means exactly that. At 10,000 hosts x 4 checks a steady fleet then keeps
// a few hundred rows instead of 40,000, and `monitor check` stops reading 40,000 rows every run.

import type { CheckState } from '../store/types.js';

const EPOCH = new Date(0);

/** What a missing row stands for when no alert is open (see evaluate-all.ts). */
export function plainState(hostId: number, checkId: number): CheckState {
  return {
    hostId,
    checkId,
    status: 'ok',
    since: EPOCH,
    history: 'o',
    flapping: false,
    evaluatedAt: EPOCH,
    lastResolvedAt: null,
    openNotified: false,
  };
}

export function isPlainState(state: CheckState, cooldownMs: number, nowMs: number): boolean {
  if (state.status !== 'ok' || state.flapping || state.openNotified) return false;
  if (state.lastResolvedAt !== null && nowMs - state.lastResolvedAt.getTime() < cooldownMs) return false;
  for (let i = 0; i < state.history.length; i++) if (state.history[i] !== 'o') return false;
  return true;
}
