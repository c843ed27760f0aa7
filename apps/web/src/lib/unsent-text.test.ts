import { describe, expect, it } from 'vitest';
import { unsentSentence } from './unsent-text.ts';

const send = { action: { type: 'send' as const, body: 'hi' }, wasSent: false };
const react = { action: { type: 'react' as const, messageId: 'm', emoji: '👍', action: 'add' as const }, wasSent: false };

describe('unsentSentence', () => {
  it('counts messages and other changes separately', () => {
    expect(unsentSentence([send])).toBe('1 message hasn’t been sent yet. Signing out deletes it from this device.');
    expect(unsentSentence([send, send])).toBe('2 messages haven’t been sent yet. Signing out deletes them from this device.');
    expect(unsentSentence([send, react])).toMatch(/^1 message and 1 change \(edits, reactions, deletions\) haven’t been sent yet\. Signing out deletes them/);
    expect(unsentSentence([react])).toMatch(/^1 change \(edits, reactions, deletions\) hasn’t been sent yet\. Signing out deletes it/);
  });

  it('does not promise a message that already went on the wire will not arrive', () => {
    expect(unsentSentence([{ ...send, wasSent: true }])).toBe(
      '1 message hasn’t been sent yet. Signing out deletes it from this device. It was already on the way and may still arrive.',
    );
    expect(unsentSentence([send, { ...send, wasSent: true }])).toMatch(/Some were already on the way and may still arrive\.$/);
  });

  it('is null when nothing would be lost', () => {
    expect(unsentSentence([])).toBeNull();
  });
});
