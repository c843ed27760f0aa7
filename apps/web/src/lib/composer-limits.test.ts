import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS } from '@parley/protocol';
import { composerLimits } from './composer-limits.ts';

describe('composerLimits', () => {
  it('disables sending an empty or blank message', () => {
    expect(composerLimits('').canSend).toBe(false);
    expect(composerLimits('  \n ').canSend).toBe(false);
    expect(composerLimits('hi').canSend).toBe(true);
  });

  it('shows the counter near the limit and blocks past it', () => {
    expect(composerLimits('a'.repeat(100)).showCounter).toBe(false);
    expect(composerLimits('a'.repeat(MAX_MESSAGE_CHARS - 10))).toMatchObject({ showCounter: true, remaining: 10, canSend: true });
    expect(composerLimits('a'.repeat(MAX_MESSAGE_CHARS + 1))).toMatchObject({ tooLong: true, canSend: false, remaining: -1 });
  });
});
