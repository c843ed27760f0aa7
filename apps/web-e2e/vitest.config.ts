import { defineConfig } from 'vitest/config';
import { projectTestConfig } from '../../vitest.shared.ts';

// Browser tests: one file at a time (each launches Chromium; the machine has 2 cores).
export default defineConfig(
  projectTestConfig(import.meta.dirname, {
    serial: true,
    testTimeoutMs: 60_000,
    globalSetup: ['../../libs/db/src/testing/global-setup.ts'],
    // Any Content-Security-Policy violation in a page fails the test it happened in.
    setupFiles: ['src/csp-guard.setup.ts'],
  }),
);
