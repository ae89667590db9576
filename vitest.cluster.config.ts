import { defineConfig } from 'vitest/config';
import path from 'node:path';

/** The topology test (tests/cluster): two web servers and two workers on Redis and S3, on the production build. */
export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['tests/cluster/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
