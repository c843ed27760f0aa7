import { TYPING_REFRESH_MS } from '@parley/protocol';
import type { Clock } from './clock.ts';

export interface TypingSenderDeps {
  clock: Clock;
  /** Sends a typing frame if connected; returns whether it went out. */
  transmit(conversationId: string, active: boolean): boolean;
  refreshMs?: number;
}

/**
 * Our own typing indicator. The UI calls `set(id, true)` on every keystroke; at most one
 * `typing {active:true}` per refresh interval goes out, which keeps the others' indicator alive
 * (it lapses after TYPING_TTL_MS, twice the refresh) without a timer on our side.
 */
export class TypingSender {
  /** conversationId -> when `active: true` last went out; present while we are "typing". */
  private readonly sentAt = new Map<string, number>();

  constructor(private readonly deps: TypingSenderDeps) {}

  set(conversationId: string, active: boolean): void {
    if (active) {
      const last = this.sentAt.get(conversationId);
      const now = this.deps.clock.now();
      if (last !== undefined && now - last < (this.deps.refreshMs ?? TYPING_REFRESH_MS)) return;
      // Offline keystrokes are not recorded: the next keystroke once connected sends at once.
      if (this.deps.transmit(conversationId, true)) this.sentAt.set(conversationId, now);
      return;
    }
    if (!this.sentAt.delete(conversationId)) return;
    this.deps.transmit(conversationId, false);
  }

  /** The server forgets a closed connection's typing, so nothing is left to stop. */
  disconnected(): void {
    this.sentAt.clear();
  }
}
