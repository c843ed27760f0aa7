'use client';
import { useCallback, useState } from 'react';
import { browserStorage } from '../../lib/browser-storage.ts';
import { frequentEmoji, loadEmojiUsage, recordEmojiUse, saveEmojiUsage, type EmojiUsage } from '../../lib/emoji-set.ts';

/** The reader's most used reactions, first in the picker and the quick row; kept per user. */
export function useEmojiUsage(userId: string) {
  const [usage, setUsage] = useState<EmojiUsage>(() => loadEmojiUsage(browserStorage(), userId));
  const record = useCallback(
    (emoji: string) => {
      const next = recordEmojiUse(usage, emoji);
      setUsage(next);
      saveEmojiUsage(browserStorage(), userId, next);
    },
    [usage, userId],
  );
  return { frequent: frequentEmoji(usage), record };
}
