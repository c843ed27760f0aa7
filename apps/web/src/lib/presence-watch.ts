import { MAX_PRESENCE_WATCH } from '@parley/protocol';

/**
 * Whose presence this tab shows, for `presence_watch` (PROTOCOL.md §5.16): every mounted status
 * adds its user and removes it on unmount; the SDK watches exactly them. In a room of a
 * thousand the tab then hears the few dozen people on screen, not everyone.
 */
export interface PresenceWatchSet {
  /** Shows `userId` from now on; the returned function stops (counted: two badges, one watch). */
  add(userId: string): () => void;
  /** The users watched now, in the order they were first added. */
  current(): string[];
}

/**
 * `apply` gets the list after each burst of changes (one render mounts many badges): once per
 * `schedule` tick, and only when it changed. Past MAX_PRESENCE_WATCH the earliest shown win; the
 * rest show no status until others leave the screen.
 */
export function createPresenceWatchSet(apply: (userIds: string[]) => void, schedule: (flush: () => void) => void = (f) => setTimeout(f, 0)): PresenceWatchSet {
  const counts = new Map<string, number>();
  let applied = '';
  let pending = false;

  const current = () => [...counts.keys()].slice(0, MAX_PRESENCE_WATCH);
  const flush = () => {
    pending = false;
    const ids = current();
    const key = ids.join(',');
    if (key === applied) return;
    applied = key;
    apply(ids);
  };
  const changed = () => {
    if (pending) return;
    pending = true;
    schedule(flush);
  };

  return {
    add(userId) {
      counts.set(userId, (counts.get(userId) ?? 0) + 1);
      changed();
      let removed = false;
      return () => {
        if (removed) return;
        removed = true;
        const left = (counts.get(userId) ?? 1) - 1;
        if (left > 0) counts.set(userId, left);
        else counts.delete(userId);
        changed();
      };
    },
    current,
  };
}
