import type { KeyValueStorage } from './browser-storage.ts';

export interface EmojiOption {
  emoji: string;
  /** What the search box matches, and the button's tooltip. */
  name: string;
}

export interface EmojiGroup {
  label: string;
  options: readonly EmojiOption[];
}

/**
 * A curated set: the reactions people actually use in work chat, not the whole Unicode list
 * (no dependency, no download, and every one passes the server's EmojiSchema; a test checks).
 */
export const EMOJI_GROUPS: readonly EmojiGroup[] = [
  {
    label: 'Smileys',
    options: [
      { emoji: '😀', name: 'grinning' }, { emoji: '😄', name: 'smile' }, { emoji: '😂', name: 'joy tears of joy' },
      { emoji: '🤣', name: 'rolling on the floor laughing rofl' }, { emoji: '😊', name: 'blush happy' }, { emoji: '😍', name: 'heart eyes love' },
      { emoji: '😘', name: 'kiss' }, { emoji: '😉', name: 'wink' }, { emoji: '😎', name: 'sunglasses cool' },
      { emoji: '🤔', name: 'thinking hmm' }, { emoji: '🙃', name: 'upside down' }, { emoji: '😅', name: 'sweat smile phew' },
      { emoji: '😮', name: 'open mouth wow surprised' }, { emoji: '😱', name: 'scream shocked' }, { emoji: '😢', name: 'cry sad' },
      { emoji: '😭', name: 'sob crying' }, { emoji: '😡', name: 'angry rage' }, { emoji: '🥳', name: 'party face celebrate' },
      { emoji: '😴', name: 'sleeping tired' }, { emoji: '🤯', name: 'mind blown exploding head' }, { emoji: '🫡', name: 'salute' },
      { emoji: '🙈', name: 'see no evil monkey' }, { emoji: '🤗', name: 'hug hugging' }, { emoji: '😬', name: 'grimace awkward' },
    ],
  },
  {
    label: 'Hands',
    options: [
      { emoji: '👍', name: 'thumbs up +1 yes' }, { emoji: '👎', name: 'thumbs down -1 no' }, { emoji: '👏', name: 'clap applause' },
      { emoji: '🙌', name: 'raised hands hooray' }, { emoji: '🙏', name: 'pray thanks please' }, { emoji: '👋', name: 'wave hello bye' },
      { emoji: '👌', name: 'ok hand' }, { emoji: '✌️', name: 'victory peace' }, { emoji: '🤞', name: 'fingers crossed luck' },
      { emoji: '💪', name: 'muscle strong' }, { emoji: '🤝', name: 'handshake deal' }, { emoji: '👀', name: 'eyes looking' },
    ],
  },
  {
    label: 'Hearts',
    options: [
      { emoji: '❤️', name: 'red heart love' }, { emoji: '🧡', name: 'orange heart' }, { emoji: '💛', name: 'yellow heart' },
      { emoji: '💚', name: 'green heart' }, { emoji: '💙', name: 'blue heart' }, { emoji: '💜', name: 'purple heart' },
      { emoji: '🖤', name: 'black heart' }, { emoji: '💔', name: 'broken heart' }, { emoji: '💯', name: 'hundred 100 perfect' },
    ],
  },
  {
    label: 'Things',
    options: [
      { emoji: '🎉', name: 'tada party celebrate hooray' }, { emoji: '🔥', name: 'fire lit' }, { emoji: '✨', name: 'sparkles' },
      { emoji: '🚀', name: 'rocket ship launch' }, { emoji: '⭐', name: 'star' }, { emoji: '✅', name: 'check done yes' },
      { emoji: '❌', name: 'cross no wrong' }, { emoji: '⚠️', name: 'warning' }, { emoji: '❓', name: 'question' },
      { emoji: '💡', name: 'bulb idea' }, { emoji: '📌', name: 'pin pushpin' }, { emoji: '☕', name: 'coffee' },
      { emoji: '🍕', name: 'pizza' }, { emoji: '🍻', name: 'beers cheers' }, { emoji: '🎂', name: 'birthday cake' },
      { emoji: '🐛', name: 'bug' }, { emoji: '🏆', name: 'trophy win' }, { emoji: '🤖', name: 'robot bot' },
    ],
  },
];

/** Quick reactions for someone who has not reacted yet. */
export const DEFAULT_FREQUENT: readonly string[] = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀'];

export const ALL_EMOJI: readonly EmojiOption[] = EMOJI_GROUPS.flatMap((g) => g.options);

/** How often the reader picked each emoji. */
export type EmojiUsage = Readonly<Record<string, number>>;

/** The reader's most used emoji first, topped up from the defaults, `count` in all. */
export function frequentEmoji(usage: EmojiUsage, count: number = DEFAULT_FREQUENT.length): string[] {
  const used = Object.entries(usage)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || DEFAULT_FREQUENT.indexOf(a) - DEFAULT_FREQUENT.indexOf(b))
    .map(([emoji]) => emoji);
  const out = [...new Set([...used, ...DEFAULT_FREQUENT])];
  return out.slice(0, count);
}

export function recordEmojiUse(usage: EmojiUsage, emoji: string): EmojiUsage {
  return { ...usage, [emoji]: (usage[emoji] ?? 0) + 1 };
}

/** Options whose name has a word starting with every word of the query. */
export function searchEmoji(query: string): EmojiOption[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...ALL_EMOJI];
  return ALL_EMOJI.filter((o) => {
    const nameWords = o.name.split(' ');
    return o.emoji === query.trim() || words.every((w) => nameWords.some((n) => n.startsWith(w)));
  });
}

export function nameOfEmoji(emoji: string): string | undefined {
  return ALL_EMOJI.find((o) => o.emoji === emoji)?.name.split(' ')[0];
}

function usageKey(userId: string): string {
  return `parley.emoji-usage.v1.${userId}`;
}

export function loadEmojiUsage(storage: KeyValueStorage | null, userId: string): EmojiUsage {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(usageKey(userId)) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(Object.entries(parsed).filter(([, n]) => typeof n === 'number' && Number.isFinite(n)));
  } catch {
    return {};
  }
}

export function saveEmojiUsage(storage: KeyValueStorage | null, userId: string, usage: EmojiUsage): void {
  try {
    storage?.setItem(usageKey(userId), JSON.stringify(usage));
  } catch {
    // Storage full or blocked: the picker falls back to the defaults.
  }
}
