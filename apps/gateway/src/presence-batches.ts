import type { UserPresence } from '@parley/protocol';

/** One frame's worth of presence changes, and who gets it. */
export interface PresenceDelivery {
  recipients: string[];
  /** In the order they happened; one entry per user (their latest status). */
  users: UserPresence[];
}

/**
 * Turns the presence changes of a burst into one frame per recipient instead of one per change:
 * a thousand people reconnecting to one room would otherwise cost a million frames (each change
 * to each contact). Recipients who may see exactly the same changes share a frame, so it is
 * encoded once. A user who changed twice counts once, with their latest status, at the place of
 * that latest change.
 */
export function presenceDeliveries(changes: readonly UserPresence[], contactsOf: ReadonlyMap<string, readonly string[]>): PresenceDelivery[] {
  const latest = new Map<string, number>();
  changes.forEach((change, index) => latest.set(change.userId, index));
  const ordered = changes.filter((change, index) => latest.get(change.userId) === index);

  /** recipient -> indexes into `ordered` of the changes it may see (its contacts'). */
  const seen = new Map<string, number[]>();
  ordered.forEach((change, index) => {
    for (const recipient of contactsOf.get(change.userId) ?? []) {
      const list = seen.get(recipient);
      if (list) list.push(index);
      else seen.set(recipient, [index]);
    }
  });

  const byContent = new Map<string, PresenceDelivery>();
  for (const [recipient, indexes] of seen) {
    const key = indexes.join(',');
    const delivery = byContent.get(key);
    if (delivery) delivery.recipients.push(recipient);
    else byContent.set(key, { recipients: [recipient], users: indexes.map((i) => ordered[i] as UserPresence) });
  }
  return [...byContent.values()];
}
