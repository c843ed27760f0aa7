/** Consecutive messages from one sender closer than this share a header (name and time). */
export const GROUP_GAP_MS = 5 * 60_000;

export interface GroupableItem {
  key: string;
  senderId: string;
  createdAt: string;
}

export interface MessageGroup<T extends GroupableItem> {
  key: string;
  senderId: string;
  /** Time of the group's first item: the header shows it. */
  startedAt: string;
  items: T[];
}

/** Groups a chronological list for display, like most chat apps: one header per burst. */
export function groupMessages<T extends GroupableItem>(items: readonly T[], gapMs: number = GROUP_GAP_MS): MessageGroup<T>[] {
  const groups: MessageGroup<T>[] = [];
  let current: MessageGroup<T> | undefined;
  let lastTime = 0;
  for (const item of items) {
    const time = new Date(item.createdAt).getTime();
    const continues =
      current !== undefined && current.senderId === item.senderId && Number.isFinite(time) && time - lastTime <= gapMs;
    if (current !== undefined && continues) {
      current.items.push(item);
    } else {
      current = { key: item.key, senderId: item.senderId, startedAt: item.createdAt, items: [item] };
      groups.push(current);
    }
    lastTime = Number.isFinite(time) ? time : lastTime;
  }
  return groups;
}
