import { defineConfig } from 'vitest/config';
import { projectTestConfig } from '../../vitest.shared.ts';

// Call tests only (src/**/*.calls.ts): real Chromium with fake media, run by run-call-tests.sh
// inside a private network namespace. The main vitest.config.ts never matches these files.
const base = projectTestConfig(import.meta.dirname, {
  serial: true,
  testTimeoutMs: 90_000,
  globalSetup: ['../../libs/db/src/testing/global-setup.ts'],
  // Any Content-Security-Policy violation in a page fails the test it happened in.
  setupFiles: ['src/csp-guard.setup.ts'],
});

export default defineConfig({
  ...base,
  test: { ...base.test, include: ['src/**/*.calls.ts'] },
});
