/** Scrolled up more than this many screens, the pill offers "Jump to latest" even without news. */
export const FAR_FROM_BOTTOM_SCREENS = 1;

export interface KeyedItem {
  key: string;
  own: boolean;
}

/** Items from others appended after `lastKey` (the newest item the reader had been shown). */
export function countAppended(items: readonly KeyedItem[], lastKey: string | undefined): number {
  if (lastKey === undefined) return 0;
  const index = items.findIndex((i) => i.key === lastKey);
  if (index === -1) return 0;
  return items.slice(index + 1).filter((i) => !i.own).length;
}

export function isFarFromBottom(m: { scrollTop: number; scrollHeight: number; clientHeight: number }): boolean {
  return m.scrollHeight - m.scrollTop - m.clientHeight > m.clientHeight * FAR_FROM_BOTTOM_SCREENS;
}

/** The pill's words, or null when it should not show. */
export function newMessagesLabel(unseen: number, farFromBottom: boolean): string | null {
  if (unseen > 0) return unseen === 1 ? '1 new message' : `${unseen > 99 ? '99+' : unseen} new messages`;
  return farFromBottom ? 'Jump to latest' : null;
}
