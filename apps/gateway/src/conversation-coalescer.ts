/**
 * Paces what many members cause at about the same time in one conversation (reads, typing) so
 * that it costs each member a few frames a second rather than one frame per member who acted:
 * in a 1,000-member group one frame per reader to every member is a million frames.
 *
 * Per conversation on this node: the first entry after a quiet moment is sent at once; entries
 * that arrive within `intervalMs` of a send wait and go out together one interval after it,
 * one per key (`merge` folds a key's entries). A conversation is quiet again once an interval
 * passes with nothing waiting.
 */
export interface ConversationCoalescer<V> {
  /**
   * `now`: send it (with whatever waits in that conversation) at once, not after the interval:
   * for what must go out before a frame that follows it (a typist's stop before their message).
   */
  add(conversationId: string, key: string, value: V, options?: { now?: boolean }): void;
  /** Sends everything waiting now and stops the timers (shutdown). */
  close(): void;
}

interface Room<V> {
  /** key -> value not sent yet, in the order the keys first came. */
  pending: Map<string, V> | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export function createConversationCoalescer<V>(options: {
  intervalMs: number;
  /** Folds a key's newer value into the waiting one (default: the newer wins). */
  merge?: (waiting: V, newer: V) => V;
  /** One call per send: the entries in the order their keys first came, never empty. */
  send: (conversationId: string, entries: ReadonlyArray<readonly [string, V]>) => void;
}): ConversationCoalescer<V> {
  const { intervalMs, send } = options;
  const merge = options.merge ?? ((_waiting: V, newer: V) => newer);
  // Every room in this map has its timer running (hold): that is what ends it.
  const rooms = new Map<string, Room<V>>();

  /** One interval from now the room settles: sends what waits, or goes quiet. */
  function hold(conversationId: string, room: Room<V>): void {
    room.timer = setTimeout(() => settle(conversationId, room), intervalMs);
  }

  function settle(conversationId: string, room: Room<V>): void {
    const { pending } = room;
    if (pending === undefined) {
      rooms.delete(conversationId);
      return;
    }
    room.pending = undefined;
    hold(conversationId, room);
    send(conversationId, [...pending]);
  }

  return {
    add(conversationId, key, value, { now = false } = {}) {
      const room = rooms.get(conversationId);
      if (room === undefined) {
        const quiet: Room<V> = { pending: undefined, timer: undefined };
        rooms.set(conversationId, quiet);
        hold(conversationId, quiet);
        send(conversationId, [[key, value]]);
        return;
      }
      room.pending ??= new Map();
      const waiting = room.pending.get(key);
      room.pending.set(key, waiting === undefined ? value : merge(waiting, value));
      if (now) {
        clearTimeout(room.timer);
        settle(conversationId, room);
      }
    },

    close() {
      for (const [conversationId, room] of rooms) {
        clearTimeout(room.timer);
        if (room.pending !== undefined) send(conversationId, [...room.pending]);
      }
      rooms.clear();
    },
  };
}
