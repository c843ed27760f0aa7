import type { HubLogger } from '../logger.ts';

export interface RecordingLogger extends HubLogger {
  readonly entries: Array<{ level: 'warn' | 'error'; msg: string; obj: object }>;
}

export function createRecordingLogger(): RecordingLogger {
  const entries: RecordingLogger['entries'] = [];
  return {
    entries,
    warn: (obj, msg) => entries.push({ level: 'warn', msg, obj }),
    error: (obj, msg) => entries.push({ level: 'error', msg, obj }),
  };
}

/** Lets every queued microtask (bus deliveries, subscribe acks) run: setImmediate fires after them. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
