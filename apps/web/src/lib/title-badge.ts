import type { ConversationSummary } from './api-types.ts';

export const BASE_TITLE = 'Parley';

/** Unread messages from others over every conversation, muted ones included (they still count). */
export function totalUnread(list: readonly Pick<ConversationSummary, 'unreadCount'>[] | undefined): number {
  return (list ?? []).reduce((sum, c) => sum + c.unreadCount, 0);
}

/** "(3) Parley"; "(99+) Parley" past 99; the plain title with nothing unread. */
export function titleWithCount(count: number, base = BASE_TITLE): string {
  if (count <= 0) return base;
  return `(${count > 99 ? '99+' : count}) ${base}`;
}

/** The app icon (src/app/icon.svg): a white speech bubble on blue. */
const ICON_BODY =
  '<rect width="32" height="32" rx="8" fill="#3451d1"/><path d="M9 10h14a2 2 0 0 1 2 2v7a2 2 0 0 1-2 2h-8l-5 4v-4H9a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2z" fill="#fff"/>';

/**
 * The icon with a red count badge, as an SVG `data:` URL (CSP `img-src` allows `data:`; an SVG
 * loaded as an image never runs script). Null with nothing unread: the page's own icon stays.
 */
export function badgedIconUrl(count: number): string | null {
  if (count <= 0) return null;
  const label = count > 9 ? '9+' : String(count);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">${ICON_BODY}` +
    `<circle cx="23" cy="9" r="9" fill="#d92d20" stroke="#fff" stroke-width="1.5"/>` +
    `<text x="23" y="13" text-anchor="middle" font-family="Arial,Helvetica,sans-serif" font-weight="700" font-size="${label.length > 1 ? 10 : 12}" fill="#fff">${label}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}
