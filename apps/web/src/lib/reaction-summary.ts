import type { Reaction } from '@parley/protocol';
import type { NameOf } from './system-text.ts';

/** Names listed in a pill's tooltip before "and N others". */
export const MAX_NAMES_SHOWN = 8;

export interface ReactionPill {
  emoji: string;
  count: number;
  /** The reader is among those who reacted: the pill is highlighted and a click takes it back. */
  mine: boolean;
  /** "You, Ana Lima and Bo Chen" */
  who: string;
}

export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  const shown = names.length > MAX_NAMES_SHOWN ? names.slice(0, MAX_NAMES_SHOWN - 1) : names.slice(0, -1);
  const rest = names.length > MAX_NAMES_SHOWN ? `${names.length - shown.length} others` : (names.at(-1) ?? '');
  return `${shown.join(', ')} and ${rest}`;
}

/** One pill per emoji, in the order the server keeps them (first reacted first); "You" leads. */
export function reactionPills(reactions: readonly Reaction[], meId: string, nameOf: NameOf): ReactionPill[] {
  return reactions.map((r) => {
    const mine = r.userIds.includes(meId);
    const others = r.userIds.filter((id) => id !== meId).map(nameOf);
    return { emoji: r.emoji, count: r.userIds.length, mine, who: listNames(mine ? ['You', ...others] : others) };
  });
}
