import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'var/**'],
    // Suites under test/ start real servers and child processes; give them room.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Every child a test file started is ended after it, whatever the outcome; what is still
    // running when the whole run ends is killed, and fails the run (test/setup/ says how).
    setupFiles: ['test/setup/end-children.ts'],
    globalSetup: ['test/setup/leftover-processes.ts'],
  },
});
