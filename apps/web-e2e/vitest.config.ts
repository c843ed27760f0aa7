import { defineConfig } from 'vitest/config';
import { projectTestConfig } from '../../vitest.shared.ts';

// Browser tests: two files at once (each launches Chromium and its own stack; on 2 cores a
// single file left one core mostly idle, and the suite was CI's longest path).
export default defineConfig(
  projectTestConfig(import.meta.dirname, {
    workers: 2,
    testTimeoutMs: 60_000,
    globalSetup: ['../../libs/db/src/testing/global-setup.ts'],
    // Any Content-Security-Policy violation in a page fails the test it happened in.
    setupFiles: ['src/csp-guard.setup.ts'],
  }),
);
