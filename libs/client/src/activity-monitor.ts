import { IDLE_AFTER_MS, type ConnectionState } from '@parley/protocol';
import { systemClock, type Clock, type TimerHandle } from './clock.ts';

/** What `window` offers; structural so Node tests can pass a fake. */
export interface ActivityEventTarget {
  addEventListener(type: string, listener: () => void, options?: { passive?: boolean }): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** What `document` offers for visibility. */
export interface ActivityDocument {
  readonly visibilityState: string;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener?(type: 'visibilitychange', listener: () => void): void;
}

export interface ActivityMonitorOptions {
  /** Usually `window`. */
  target: ActivityEventTarget;
  /** Usually `document`: a hidden tab is idle at once. */
  document?: ActivityDocument;
  idleAfterMs?: number;
  clock?: Clock;
  /** Called once at creation with the initial state, then on every transition. */
  onChange(state: ConnectionState): void;
}

export interface ActivityMonitor {
  readonly state: ConnectionState;
  /** Removes the listeners and the timer. */
  dispose(): void;
}

export const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'mousemove', 'wheel', 'touchstart', 'focus'] as const;

/**
 * Reports `idle` after `idleAfterMs` without input or while the document is hidden, `active`
 * again on input or when it becomes visible. Typical wiring:
 * `createActivityMonitor({ target: window, document, onChange: (s) => client.setActivity(s) })`.
 */
export function createActivityMonitor(options: ActivityMonitorOptions): ActivityMonitor {
  const { target, document } = options;
  const clock = options.clock ?? systemClock();
  const idleAfterMs = options.idleAfterMs ?? IDLE_AFTER_MS;
  const hidden = (): boolean => document?.visibilityState === 'hidden';

  let state: ConnectionState = hidden() ? 'idle' : 'active';
  let lastInputAt = clock.now();
  let timer: TimerHandle | undefined;
  let disposed = false;

  const set = (next: ConnectionState): void => {
    if (next === state || disposed) return;
    state = next;
    options.onChange(next);
  };

  // One timer per idle period, not one per mousemove: on expiry it re-arms for the remainder.
  const arm = (delayMs: number): void => {
    if (timer !== undefined || disposed) return;
    timer = clock.setTimeout(() => {
      timer = undefined;
      const quietMs = clock.now() - lastInputAt;
      if (quietMs >= idleAfterMs) set('idle');
      else arm(idleAfterMs - quietMs);
    }, delayMs);
  };

  const onInput = (): void => {
    lastInputAt = clock.now();
    if (hidden()) return;
    set('active');
    arm(idleAfterMs);
  };

  const onVisibility = (): void => {
    if (hidden()) {
      set('idle');
      return;
    }
    onInput();
  };

  for (const type of ACTIVITY_EVENTS) target.addEventListener(type, onInput, { passive: true });
  document?.addEventListener('visibilitychange', onVisibility);
  if (state === 'active') arm(idleAfterMs);
  options.onChange(state);

  return {
    get state() {
      return state;
    },
    dispose() {
      disposed = true;
      for (const type of ACTIVITY_EVENTS) target.removeEventListener(type, onInput);
      document?.removeEventListener?.('visibilitychange', onVisibility);
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
