// One place that turns tsconfig.base.json's path aliases into Vite aliases, so every
// project's vitest config resolves `@parley/*` exactly as TypeScript and tsx do.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import type { UserConfig } from 'vite';

const root = dirname(fileURLToPath(import.meta.url));

function aliases(): Array<{ find: string | RegExp; replacement: string }> {
  const base = JSON.parse(readFileSync(resolve(root, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  // Longest first so `@parley/db/testing` wins over `@parley/db`.
  return Object.entries(base.compilerOptions.paths)
    .sort(([a], [b]) => b.length - a.length)
    .map(([find, [target]]) => ({
      find: new RegExp(`^${find.replace(/[/\\^$.*+?()[\]{}|-]/g, '\\$&')}$`),
      replacement: resolve(root, target ?? ''),
    }));
}

export interface ProjectTestOptions {
  /** Integration tests share one Postgres/Redis; run files one at a time to keep 2 cores honest. */
  serial?: boolean;
  testTimeoutMs?: number;
  globalSetup?: string[];
  setupFiles?: string[];
  /**
   * false: the files of a worker share one module registry instead of importing the whole
   * server again per file. Only for projects whose modules keep no state at import time and
   * whose tests restore what they change (timers, env).
   */
  isolate?: boolean;
}

export function projectTestConfig(projectDir: string, options: ProjectTestOptions = {}): UserConfig {
  return {
    root: projectDir,
    resolve: { alias: aliases() },
    test: {
      include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
      environment: 'node',
      testTimeout: options.testTimeoutMs ?? 20_000,
      hookTimeout: options.testTimeoutMs ?? 60_000,
      globalSetup: options.globalSetup,
      setupFiles: options.setupFiles,
      fileParallelism: !options.serial,
      isolate: options.isolate ?? true,
      reporters: ['default'],
    },
  } as UserConfig;
}
