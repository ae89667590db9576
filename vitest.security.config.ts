import { defineConfig } from 'vitest/config';
import path from 'node:path';

/** The adversarial suite (tests/security): each class of attack from issue #11, against the production server on the demo content. */
export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['tests/security/**/*.test.ts'],
    globalSetup: ['tests/security/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    maxWorkers: 2,
  },
});
