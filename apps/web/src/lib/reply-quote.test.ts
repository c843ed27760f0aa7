import { describe, expect, it } from 'vitest';
import { ANA, ME, message } from '../testing/fixtures.ts';
import { firstLine, replyDraftOf, replyQuote } from './reply-quote.ts';

const nameOf = (id: string) => (id === ANA ? 'Ana Lima' : 'Former member');
const parent = message(3, { body: '\n  Lunch at noon?  \nsecond line' });
const ref = { messageId: parent.id, seq: 3, senderId: ANA, kind: 'text', excerpt: 'Lunch at noon?' };

describe('replyQuote', () => {
  it('quotes the loaded parent’s current first line and author', () => {
    expect(replyQuote(ref, { ...parent, body: 'Lunch at one?' }, nameOf, ME)).toEqual({ messageId: parent.id, seq: 3, author: 'Ana Lima', text: 'Lunch at one?' });
  });

  it('falls back to the server’s excerpt when the parent is not loaded', () => {
    expect(replyQuote({ ...ref, excerpt: 'From the excerpt\nmore' }, undefined, nameOf, ME).text).toBe('From the excerpt');
  });

  it('says a deleted parent is deleted, loaded or not', () => {
    expect(replyQuote(ref, { ...parent, body: '', deletedAt: '2026-01-01T12:00:00.000Z' }, nameOf, ME).text).toBeNull();
    expect(replyQuote({ ...ref, excerpt: null }, undefined, nameOf, ME).text).toBeNull();
  });

  it('calls the reader "You" and names call messages', () => {
    expect(replyQuote({ ...ref, senderId: ME }, undefined, nameOf, ME).author).toBe('You');
    expect(replyQuote({ ...ref, kind: 'call', excerpt: '' }, undefined, nameOf, ME).text).toBe('Call');
  });
});

describe('firstLine and replyDraftOf', () => {
  it('takes the first line with text, trimmed', () => {
    expect(firstLine('\n\n  hello \nworld')).toBe('hello');
    expect(firstLine('   ')).toBe('');
  });

  it('keeps what the reply bar needs', () => {
    expect(replyDraftOf(parent)).toEqual({ messageId: parent.id, seq: 3, senderId: ANA, excerpt: 'Lunch at noon?' });
  });
});
