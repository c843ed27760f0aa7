/**
 * Records every uncaught exception and unhandled rejection while installed. Fault tests use it
 * to prove "the node never exits": with a listener installed Node does not crash, so the test
 * can finish and assert that nothing was recorded instead of dying halfway.
 */
export interface ProcessFaults {
  readonly errors: ReadonlyArray<{ kind: 'uncaughtException' | 'unhandledRejection'; error: unknown }>;
  /** A readable list for assertion messages. */
  describe(): string[];
  /** Forgets what was recorded (between tests, so one failure is reported once). */
  clear(): void;
  dispose(): void;
}

export function watchProcessFaults(): ProcessFaults {
  const errors: Array<{ kind: 'uncaughtException' | 'unhandledRejection'; error: unknown }> = [];
  const onException = (error: unknown) => errors.push({ kind: 'uncaughtException', error });
  const onRejection = (error: unknown) => errors.push({ kind: 'unhandledRejection', error });
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    errors,
    describe: () => errors.map(({ kind, error }) => `${kind}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`),
    clear: () => {
      errors.length = 0;
    },
    dispose() {
      process.removeListener('uncaughtException', onException);
      process.removeListener('unhandledRejection', onRejection);
    },
  };
}
