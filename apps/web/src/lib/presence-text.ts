import type { UserPresence } from '@parley/protocol';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export type PresenceTone = 'online' | 'away' | 'offline';

export interface PresenceLabel {
  tone: PresenceTone;
  /** The words shown next to the dot; they carry the meaning, the dot is decoration. */
  text: string;
}

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** "just now", "12 min ago", "3 h ago", "yesterday", then a date: lower case, it follows "last seen". */
export function lastSeenAgo(iso: string, now: Date, locale?: string): string | null {
  const then = new Date(iso);
  const ageMs = now.getTime() - then.getTime();
  if (Number.isNaN(ageMs)) return null;
  if (ageMs < MINUTE_MS) return 'just now';
  if (ageMs < HOUR_MS) return `${Math.floor(ageMs / MINUTE_MS)} min ago`;
  const dayDiff = Math.round((startOfDay(now) - startOfDay(then)) / DAY_MS);
  if (dayDiff === 0) return `${Math.floor(ageMs / HOUR_MS)} h ago`;
  if (dayDiff === 1) return 'yesterday';
  const sameYear = then.getFullYear() === now.getFullYear();
  return then.toLocaleDateString(locale, sameYear ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: 'short', day: 'numeric' });
}

/**
 * What to show for a user's status; null when we know nothing (not a contact yet), so no
 * "offline" is claimed for someone whose status we were never told. `now` is null during the
 * first render (server HTML and hydration must agree), which only affects "last seen".
 */
export function presenceLabel(presence: UserPresence | undefined, now: Date | null, locale?: string): PresenceLabel | null {
  if (presence === undefined) return null;
  if (presence.status === 'online') return { tone: 'online', text: 'online' };
  if (presence.status === 'away') return { tone: 'away', text: 'away' };
  const ago = presence.lastSeenAt !== null && now !== null ? lastSeenAgo(presence.lastSeenAt, now, locale) : null;
  return { tone: 'offline', text: ago === null ? 'offline' : `last seen ${ago}` };
}

/** "Alice is typing…", "Alice and Bob are typing…", "Several people are typing…"; '' for nobody. */
export function typingText(names: readonly string[]): string {
  const [first, second] = names;
  if (first === undefined) return '';
  if (second === undefined) return `${first} is typing…`;
  if (names.length === 2) return `${first} and ${second} are typing…`;
  return 'Several people are typing…';
}

/** "Ana", "Ana and Bo", "Ana, Bo and Cy": for receipts' accessible names and tooltips. */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}
