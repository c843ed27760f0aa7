import { defineConfig } from 'vitest/config';
import { projectTestConfig } from '../../vitest.shared.ts';

export default defineConfig(
  projectTestConfig(import.meta.dirname, {
    // Two files at once: most of this suite waits on sockets, timers and child processes.
    workers: 2,
    globalSetup: ['../../libs/db/src/testing/global-setup.ts'],
  }),
);
