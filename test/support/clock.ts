// A clock the test moves by hand: commands and servers take it instead of the system clock.

export interface ManualClock {
  now(): Date;
  advance(ms: number): void;
}

export function manualClock(start = new Date()): ManualClock {
  let current = start.getTime();
  return { now: () => new Date(current), advance: (ms) => void (current += ms) };
}
