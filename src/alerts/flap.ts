// Nagios-style flap detection. The history is one letter per evaluation with a result (o, w, c),
// oldest first; unknown results are left out, so a host that stops reporting neither flaps nor
// settles. Newer state changes weigh more (0.75 for the oldest possible change, 1.25 for the
// newest), and start/stop thresholds differ so the flag itself does not flap.

import type { FlapSettings } from './types.js';

const LOW_WEIGHT = 0.75;
const HIGH_WEIGHT = 1.25;

/**
 * Weighted percent of state changes over the last `window` entries. A shorter history is aligned
 * to its newest end, as if the oldest state had been there all along (Nagios fills its history the
 * same way), so a young check is not judged on a few evaluations as if they were all it ever had.
 */
export function percentStateChange(history: string, window: number): number {
  const changes = Math.max(window - 1, 0);
  if (changes === 0) return 0;
  const states = history.replace(/[^owc]/g, '').slice(-window);
  // Where this history's first change sits among the window's possible changes (0 = oldest).
  const offset = window - states.length;
  let weighted = 0;
  for (let i = 1; i < states.length; i++) {
    if (states[i] === states[i - 1]) continue;
    const position = offset + i - 1;
    weighted += changes === 1 ? HIGH_WEIGHT : LOW_WEIGHT + ((HIGH_WEIGHT - LOW_WEIGHT) * position) / (changes - 1);
  }
  return (weighted * 100) / changes;
}

/** Starts at or above the high threshold, stops at or below the low one; in between nothing changes. */
export function isFlapping(history: string, wasFlapping: boolean, settings: FlapSettings): { flapping: boolean; percent: number } {
  const percent = percentStateChange(history, settings.window);
  if (percent >= settings.highPct) return { flapping: true, percent };
  if (percent <= settings.lowPct) return { flapping: false, percent };
  return { flapping: wasFlapping, percent };
}

/** The history letter of a result; null for unknown, which is not recorded. */
export function historyLetter(status: 'ok' | 'warning' | 'critical' | 'unknown'): string | null {
  switch (status) {
    case 'ok':
      return 'o';
    case 'warning':
      return 'w';
    case 'critical':
      return 'c';
    case 'unknown':
      return null;
  }
}
