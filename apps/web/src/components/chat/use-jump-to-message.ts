'use client';
import { useCallback, useEffect, useState } from 'react';

/** How long a message we jumped to stays highlighted (ms). */
export const HIGHLIGHT_MS = 2500;

export interface JumpTarget {
  seq: number;
  /** A new jump to the same message scrolls and highlights again. */
  nonce: number;
}

/** Jump to a message by seq (a reply's parent): load older pages until it is there, then show it. */
export function useJumpToMessage(loadUntil: (seq: number) => Promise<boolean>) {
  const [target, setTarget] = useState<JumpTarget | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const jumpTo = useCallback(
    async (seq: number) => {
      setNotice(null);
      if (await loadUntil(seq)) setTarget((t) => ({ seq, nonce: (t?.nonce ?? 0) + 1 }));
      else setNotice('Couldn’t load that message. Try again.');
    },
    [loadUntil],
  );

  useEffect(() => {
    if (target === null) return;
    const timer = setTimeout(() => setTarget(null), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [target]);

  return { target, jumpTo, notice, clearNotice: useCallback(() => setNotice(null), []) };
}
