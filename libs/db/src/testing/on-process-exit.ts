/**
 * Runs `cleanup` (synchronous: nothing async runs on 'exit') if the process exits while it is
 * registered, so a test run that dies mid-file leaves no server process or temp folder behind.
 * Returns the function that unregisters it.
 */
export function onProcessExit(cleanup: () => void): () => void {
  const listener = () => {
    try {
      cleanup();
    } catch {
      // Exiting anyway; nothing left to report to.
    }
  };
  process.once('exit', listener);
  return () => {
    process.removeListener('exit', listener);
  };
}
