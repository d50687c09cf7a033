import { defineConfig } from 'vitest/config';

// One config for the Vite-built pages (player page, console; added by later issues) and for vitest.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    // Real sockets and, later, real browsers: keep parallelism modest on a 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
