import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The 3-node Galera suite runs on its own after the rest (vitest.galera.config.ts): it loads
    // both cores for a couple of minutes, which would skew every timing-sensitive test beside it.
    exclude: ['test/galera/**', '**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files create and drop their own databases and temp dirs, so they can run in parallel.
    pool: 'forks',
    reporters: ['default'],
  },
});
