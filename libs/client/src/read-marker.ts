import type { ReadStateFrame } from '@parley/protocol';
import type { Clock, TimerHandle } from './clock.ts';

export const READ_FLUSH_DELAY_MS = 250;

export interface ReadMarkerDeps {
  clock: Clock;
  flushDelayMs: number;
  isReady(): boolean;
  transmit(conversationId: string, seq: number): void;
}

/**
 * Coalesces `markRead` calls: scrolling through 50 messages sends one chat_read per conversation,
 * and never one that would not advance the read position.
 */
export class ReadMarker {
  private readonly sent = new Map<string, number>();
  private readonly pending = new Map<string, number>();
  private timer?: TimerHandle;

  constructor(private readonly deps: ReadMarkerDeps) {}

  mark(conversationId: string, seq: number): void {
    if (seq <= this.known(conversationId)) return;
    this.pending.set(conversationId, seq);
    if (this.timer === undefined) {
      this.timer = this.deps.clock.setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.deps.flushDelayMs);
    }
  }

  /** Our read position moved (maybe on another tab): never re-send what the server has. */
  serverState(frame: ReadStateFrame): void {
    if (frame.lastReadSeq > (this.sent.get(frame.conversationId) ?? -1)) {
      this.sent.set(frame.conversationId, frame.lastReadSeq);
    }
    const pending = this.pending.get(frame.conversationId);
    if (pending !== undefined && pending <= frame.lastReadSeq) this.pending.delete(frame.conversationId);
  }

  /** Marks made while offline go out once connected. */
  ready(): void {
    this.flush();
  }

  dispose(): void {
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private known(conversationId: string): number {
    return Math.max(this.sent.get(conversationId) ?? -1, this.pending.get(conversationId) ?? -1);
  }

  private flush(): void {
    if (!this.deps.isReady()) return;
    for (const [conversationId, seq] of this.pending) {
      this.deps.transmit(conversationId, seq);
      this.sent.set(conversationId, seq);
    }
    this.pending.clear();
  }
}
