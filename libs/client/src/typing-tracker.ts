import type { TypingUpdateFrame } from '@parley/protocol';
import type { Clock, TimerHandle } from './clock.ts';

export interface TypingChange {
  conversationId: string;
  /** Who is typing now, oldest first; never includes the signed-in user. */
  userIds: string[];
}

export interface TypingTrackerDeps {
  clock: Clock;
  /** The signed-in user's id, so our own other tabs do not show us as typing. */
  selfId(): string | undefined;
  changed(change: TypingChange): void;
}

/** Who else is typing, per conversation; each entry lapses unless the server refreshes it. */
export class TypingTracker {
  private readonly typing = new Map<string, Map<string, TimerHandle>>();

  constructor(private readonly deps: TypingTrackerDeps) {}

  users(conversationId: string): string[] {
    return [...(this.typing.get(conversationId)?.keys() ?? [])];
  }

  update(frame: TypingUpdateFrame): void {
    if (frame.userId === this.deps.selfId()) return;
    if (!frame.active) {
      this.remove(frame.conversationId, frame.userId);
      return;
    }
    let users = this.typing.get(frame.conversationId);
    if (!users) {
      users = new Map();
      this.typing.set(frame.conversationId, users);
    }
    const previous = users.get(frame.userId);
    if (previous !== undefined) this.deps.clock.clearTimeout(previous);
    users.set(
      frame.userId,
      this.deps.clock.setTimeout(() => this.remove(frame.conversationId, frame.userId), frame.expiresInMs),
    );
    // A refresh of someone already typing changes nothing the UI shows.
    if (previous === undefined) this.emit(frame.conversationId);
  }

  /** Their message arrived: they stopped typing it, whatever the last typing frame said. */
  remove(conversationId: string, userId: string): void {
    const users = this.typing.get(conversationId);
    const timer = users?.get(userId);
    if (!users || timer === undefined) return;
    this.deps.clock.clearTimeout(timer);
    users.delete(userId);
    if (users.size === 0) this.typing.delete(conversationId);
    this.emit(conversationId);
  }

  forget(conversationId: string): void {
    for (const userId of this.users(conversationId)) this.remove(conversationId, userId);
  }

  /** On disconnect: without the server we would miss the stops, so every entry is stale. */
  clear(): void {
    for (const conversationId of [...this.typing.keys()]) this.forget(conversationId);
  }

  private emit(conversationId: string): void {
    this.deps.changed({ conversationId, userIds: this.users(conversationId) });
  }
}
