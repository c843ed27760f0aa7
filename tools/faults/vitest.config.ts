import { defineConfig } from 'vitest/config';
import { projectTestConfig } from '../../vitest.shared.ts';

// One file at a time: the suite starts its own Postgres, Redis and two gateway processes.
export default defineConfig(projectTestConfig(import.meta.dirname, { serial: true, testTimeoutMs: 600_000 }));
