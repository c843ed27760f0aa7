/**
 * The two pino methods the hub needs, structurally, so this lib does not depend on pino:
 * the gateway passes its pino logger (or a child) as is.
 */
export interface HubLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Used when no logger is given, so a dropped payload or failed send is never silent. */
export function createConsoleLogger(): HubLogger {
  return {
    warn: (obj, msg) => console.warn(`[realtime] ${msg}`, obj),
    error: (obj, msg) => console.error(`[realtime] ${msg}`, obj),
  };
}

export function errorInfo(error: unknown): { err: string } {
  return { err: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}
