import { describe, expect, it } from 'vitest';
import { unsentSentence } from './unsent-text.ts';

const send = { action: { type: 'send' as const, body: 'hi' } };
const react = { action: { type: 'react' as const, messageId: 'm', emoji: '👍', action: 'add' as const } };

describe('unsentSentence', () => {
  it('counts messages and other changes separately', () => {
    expect(unsentSentence([send])).toBe('1 message hasn’t been sent yet.');
    expect(unsentSentence([send, send])).toBe('2 messages haven’t been sent yet.');
    expect(unsentSentence([send, react])).toBe('1 message and 1 change (edits, reactions, deletions) haven’t been sent yet.');
    expect(unsentSentence([react])).toBe('1 change (edits, reactions, deletions) hasn’t been sent yet.');
  });

  it('is null when nothing would be lost', () => {
    expect(unsentSentence([])).toBeNull();
  });
});
