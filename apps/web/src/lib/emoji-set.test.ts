import { describe, expect, it } from 'vitest';
import { EmojiSchema } from '@parley/protocol';
import { ALL_EMOJI, DEFAULT_FREQUENT, frequentEmoji, loadEmojiUsage, recordEmojiUse, searchEmoji } from './emoji-set.ts';

describe('the curated emoji set', () => {
  it('offers only emoji the server accepts as one reaction, each once', () => {
    for (const { emoji } of ALL_EMOJI) expect(EmojiSchema.safeParse(emoji).success, emoji).toBe(true);
    for (const emoji of DEFAULT_FREQUENT) expect(EmojiSchema.safeParse(emoji).success, emoji).toBe(true);
    expect(new Set(ALL_EMOJI.map((o) => o.emoji)).size).toBe(ALL_EMOJI.length);
  });
});

describe('frequentEmoji', () => {
  it('starts from the defaults', () => {
    expect(frequentEmoji({})).toEqual([...DEFAULT_FREQUENT]);
  });

  it('puts what the reader uses most first, without duplicates', () => {
    let usage = recordEmojiUse({}, '🚀');
    usage = recordEmojiUse(usage, '🚀');
    usage = recordEmojiUse(usage, '🎉');
    expect(frequentEmoji(usage, 4)).toEqual(['🚀', '🎉', '👍', '❤️']);
  });
});

describe('searchEmoji', () => {
  it('matches word starts of names', () => {
    expect(searchEmoji('thumb').map((o) => o.emoji)).toEqual(['👍', '👎']);
    expect(searchEmoji('heart bro').map((o) => o.emoji)).toEqual(['💔']);
    expect(searchEmoji('zzzz')).toEqual([]);
    expect(searchEmoji('')).toHaveLength(ALL_EMOJI.length);
  });
});

describe('loadEmojiUsage', () => {
  it('survives junk in storage', () => {
    const storage = { getItem: () => '{"👍":3,"x":"y"}', setItem: () => undefined, removeItem: () => undefined };
    expect(loadEmojiUsage(storage, 'u')).toEqual({ '👍': 3 });
    expect(loadEmojiUsage({ ...storage, getItem: () => 'nope' }, 'u')).toEqual({});
  });
});
