import { TYPING_MIN_INTERVAL_MS, TYPING_TTL_MS } from '@parley/protocol';

export interface TypingThrottleOptions {
  minIntervalMs?: number;
  /** Receivers drop an indicator this long after the last forwarded `true`. */
  ttlMs?: number;
  now?: () => number;
}

export interface TypingThrottle {
  /** Whether to forward this `typing` frame of the connection. */
  accept(conversationId: string, active: boolean): boolean;
  /** Conversations where receivers currently show this connection typing. */
  activeConversations(): string[];
  /** Forgets the conversation (message sent: the gateway says `false` itself); true if it was active. */
  clear(conversationId: string): boolean;
}

/**
 * Per connection, per conversation: a `true` is forwarded at most once per `minIntervalMs`
 * (refreshes inside the interval are dropped; the client re-sends every TYPING_REFRESH_MS,
 * which is longer), a `false` only if receivers still show a `true`, so a client toggling
 * fast costs at most two frames per interval. Nothing is stored beyond the indicator's TTL.
 */
export function createTypingThrottle(options: TypingThrottleOptions = {}): TypingThrottle {
  const minIntervalMs = options.minIntervalMs ?? TYPING_MIN_INTERVAL_MS;
  const ttlMs = options.ttlMs ?? TYPING_TTL_MS;
  const now = options.now ?? Date.now;
  /** conversationId -> when a `true` was last forwarded. */
  const lastTrueAt = new Map<string, number>();
  /** Conversations whose forwarded `true` has since been cancelled by a forwarded `false`. */
  const stopped = new Set<string>();

  const showing = (conversationId: string, at: number) => {
    const last = lastTrueAt.get(conversationId);
    return last !== undefined && !stopped.has(conversationId) && at - last < ttlMs;
  };

  function forget(conversationId: string): void {
    lastTrueAt.delete(conversationId);
    stopped.delete(conversationId);
  }

  return {
    accept(conversationId, active) {
      const at = now();
      if (!active) {
        const wasShowing = showing(conversationId, at);
        // Keep the interval's start: a `true` right after this `false` is still throttled.
        if (wasShowing) stopped.add(conversationId);
        else if (at - (lastTrueAt.get(conversationId) ?? -Infinity) >= minIntervalMs) forget(conversationId);
        return wasShowing;
      }
      const last = lastTrueAt.get(conversationId);
      if (last !== undefined && at - last < minIntervalMs) return false;
      lastTrueAt.set(conversationId, at);
      stopped.delete(conversationId);
      return true;
    },

    activeConversations() {
      const at = now();
      const result: string[] = [];
      for (const conversationId of lastTrueAt.keys()) {
        if (showing(conversationId, at)) result.push(conversationId);
        else if (at - (lastTrueAt.get(conversationId) ?? 0) >= Math.max(ttlMs, minIntervalMs)) forget(conversationId);
      }
      return result;
    },

    clear(conversationId) {
      const was = showing(conversationId, now());
      forget(conversationId);
      return was;
    },
  };
}
