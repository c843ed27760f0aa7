import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A watchdog for the servers a test starts. Exit handlers do not run when a test process is
 * killed (a worker torn down after an uncaught error, Ctrl-C, SIGKILL), so a detached `sh`
 * waits for this process to end, however it ends, then stops every server recorded in
 * `<dir>/*.pid` (SIGCONT, then SIGQUIT; SIGKILL to it and its children 3 s later, in case it
 * was frozen or hangs) and deletes `dir`.
 */
export interface Reaper {
  /** Records a server process (it and its children are stopped if this process dies). */
  watch(name: string, pid: number): void;
  /** That server exited: its pid may be reused, and must never be signalled again. */
  forget(name: string): void;
  /** The test cleaned up itself: the watchdog is not needed any more. */
  stop(): void;
}

// Children are found by parent pid: Postgres backends put themselves in groups of their own.
const SCRIPT = [
  'while kill -0 "$0" 2>/dev/null; do sleep 1; done',
  'for f in "$1"/*.pid; do [ -f "$f" ] || continue; p=$(cat "$f"); pkill -CONT -P "$p"; kill -CONT "$p"; kill -QUIT "$p"; done 2>/dev/null',
  'sleep 3',
  'for f in "$1"/*.pid; do [ -f "$f" ] || continue; p=$(cat "$f"); pkill -KILL -P "$p"; kill -KILL "$p"; done 2>/dev/null',
  'rm -rf "$1"',
].join('\n');

export function startReaper(dir: string): Reaper {
  const watchdog = spawn('sh', ['-c', SCRIPT, String(process.pid), dir], { detached: true, stdio: 'ignore' });
  watchdog.on('error', () => undefined); // no sh: nothing to watch with; close() still cleans up
  watchdog.unref();
  return {
    watch(name, pid) {
      writeFileSync(join(dir, `${name}.pid`), String(pid));
    },
    forget(name) {
      rmSync(join(dir, `${name}.pid`), { force: true });
    },
    stop() {
      if (watchdog.exitCode === null) watchdog.kill('SIGKILL');
    },
  };
}
