import { defineConfig } from 'vitest/config';
import { projectTestConfig } from '../../vitest.shared.ts';

export default defineConfig(
  projectTestConfig(import.meta.dirname, {
    // One file at a time: two at once beside the browser suite ran the shared Postgres out of
    // connections (max_connections 100: each file's gateway holds a pool of 10, multi-node ones two).
    serial: true,
    globalSetup: ['../../libs/db/src/testing/global-setup.ts'],
  }),
);
