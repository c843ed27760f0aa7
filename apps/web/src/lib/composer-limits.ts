import { MAX_MESSAGE_CHARS } from '@parley/protocol';

/** The counter appears once fewer than this many characters remain. */
export const COUNTER_VISIBLE_REMAINING = 500;

export interface ComposerLimits {
  remaining: number;
  showCounter: boolean;
  tooLong: boolean;
  canSend: boolean;
}

/** Same rule as the server's MessageBodySchema: 1..MAX chars after trimming, length counted untrimmed. */
export function composerLimits(body: string, max: number = MAX_MESSAGE_CHARS): ComposerLimits {
  const remaining = max - body.length;
  const tooLong = remaining < 0;
  return {
    remaining,
    showCounter: remaining < COUNTER_VISIBLE_REMAINING,
    tooLong,
    canSend: !tooLong && body.trim().length > 0,
  };
}
