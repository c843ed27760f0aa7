import type { UserPresence } from '@parley/protocol';

/**
 * Last known status of the users who share a conversation with us. A snapshot (sent after each
 * hello_ok) replaces the whole map: a user missing from it no longer shares a conversation with
 * us, so they are forgotten rather than reported.
 */
export class PresenceStore {
  private readonly users = new Map<string, UserPresence>();

  constructor(private readonly changed: (presence: UserPresence) => void) {}

  get(userId: string): UserPresence | undefined {
    return this.users.get(userId);
  }

  update(presence: UserPresence): void {
    const entry = toEntry(presence);
    const known = this.users.get(entry.userId);
    this.users.set(entry.userId, entry);
    if (!known || !samePresence(known, entry)) this.changed(entry);
  }

  replace(snapshot: readonly UserPresence[]): void {
    const previous = new Map(this.users);
    this.users.clear();
    const changed: UserPresence[] = [];
    for (const presence of snapshot) {
      const entry = toEntry(presence);
      this.users.set(entry.userId, entry);
      const known = previous.get(entry.userId);
      if (!known || !samePresence(known, entry)) changed.push(entry);
    }
    // Emit after the map is complete, so listeners reading other users see the new snapshot.
    for (const entry of changed) this.changed(entry);
  }
}

/** A fresh object without the frame's `type`: listeners may keep it. */
function toEntry({ userId, status, lastSeenAt }: UserPresence): UserPresence {
  return { userId, status, lastSeenAt };
}

function samePresence(a: UserPresence, b: UserPresence): boolean {
  return a.status === b.status && a.lastSeenAt === b.lastSeenAt;
}
