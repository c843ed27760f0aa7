import { defineConfig } from 'vitest/config';
import { projectTestConfig } from '../../vitest.shared.ts';

export default defineConfig(
  projectTestConfig(import.meta.dirname, {
    serial: true,
    // 50 files each imported the server anew: 95-119 s of a CI run's gateway tests.
    isolate: false,
    globalSetup: ['../../libs/db/src/testing/global-setup.ts'],
  }),
);
