import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The client's `$shared` alias (svelte.config.js), so unit tests can import client modules that use it.
  resolve: { alias: { $shared: path.resolve(import.meta.dirname, 'shared') } },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration and e2e suites start real servers and browsers: keep the 2-core machine calm.
    maxWorkers: 2,
    fileParallelism: true
  }
});
