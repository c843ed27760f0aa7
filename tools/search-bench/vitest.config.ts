import { defineConfig } from 'vitest/config';
import { projectTestConfig } from '../../vitest.shared.ts';

// The smoke test makes a tiny corpus in its own database on the test Postgres.
export default defineConfig(projectTestConfig(import.meta.dirname, { serial: true, globalSetup: ['../../libs/db/src/testing/global-setup.ts'] }));
