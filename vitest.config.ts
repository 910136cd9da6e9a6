import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites share one Redis and one PostgreSQL; files run in parallel but each uses
    // its own queue prefix and database schema.
    pool: 'forks',
  },
});
