import type { PresenceTimers } from '../presence-tracker.ts';

/** Global timers (fake or real) for one tracker; `crash()` stops them all, as kill -9 would. */
export interface CrashableTimers extends PresenceTimers {
  crash(): void;
}

export function createCrashableTimers(): CrashableTimers {
  const timeouts = new Set<ReturnType<typeof setTimeout>>();
  const intervals = new Set<ReturnType<typeof setInterval>>();
  let crashed = false;
  return {
    setTimeout(callback, ms) {
      const handle = setTimeout(() => {
        timeouts.delete(handle);
        callback();
      }, ms);
      timeouts.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      clearTimeout(handle as ReturnType<typeof setTimeout>);
      timeouts.delete(handle as ReturnType<typeof setTimeout>);
    },
    setInterval(callback, ms) {
      const handle = setInterval(() => {
        if (!crashed) callback();
      }, ms);
      intervals.add(handle);
      return handle;
    },
    clearInterval(handle) {
      clearInterval(handle as ReturnType<typeof setInterval>);
      intervals.delete(handle as ReturnType<typeof setInterval>);
    },
    crash() {
      crashed = true;
      for (const handle of timeouts) clearTimeout(handle);
      for (const handle of intervals) clearInterval(handle);
      timeouts.clear();
      intervals.clear();
    },
  };
}
