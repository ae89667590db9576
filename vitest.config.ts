import { defineConfig } from 'vitest/config';
import path from 'node:path';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'tests/security/**', 'tests/cluster/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Crash and S3 tests start processes: keep parallelism modest on 2 cores.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
