// Things a test starts (servers, databases, temp agents) are undone after it, newest first, even
// when the test fails half-way.

import { afterEach } from 'vitest';

export type Defer = (cleanup: () => Promise<void> | void) => void;

export function useCleanups(): Defer {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return (cleanup) => void cleanups.push(cleanup);
}
