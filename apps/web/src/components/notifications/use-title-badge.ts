'use client';
import { usePathname } from 'next/navigation';
import { useEffect } from 'react';
import { badgedIconUrl, titleWithCount, totalUnread } from '../../lib/title-badge.ts';
import { useConversationList } from '../conversations/use-conversation-list.ts';

/** The tab's title and icon say how many messages are unread: "(2) Parley" and a red badge. */
export function useTitleBadge(): void {
  const list = useConversationList();
  const count = totalUnread(list.data);
  const pathname = usePathname();
  useEffect(() => {
    document.title = titleWithCount(count);
    const badge = badgedIconUrl(count);
    for (const link of document.querySelectorAll<HTMLLinkElement>('link[rel~="icon"]')) {
      // Remember the page's own icon (Next.js renders it from src/app/icon.svg) to put it back.
      link.dataset['parleyIcon'] ??= link.href;
      const next = badge ?? link.dataset['parleyIcon'];
      if (link.href !== next) link.href = next;
    }
    // The route changes the title back to the page's own: set it again after each navigation.
  }, [count, pathname]);
}
