import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files create and drop their own databases and temp dirs, so they can run in parallel.
    pool: 'forks',
    reporters: ['default'],
  },
});
