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

describe('a parent of files without a caption', () => {
  const photo = { id: '30000000-0000-4000-8000-000000000001', name: 'beach.jpg', size: 1, mime: 'image/jpeg', width: 1, height: 1, thumbnail: { width: 1, height: 1 } };
  const files = message(4, { body: '', attachments: [photo] });
  const filesRef = { ...ref, messageId: files.id, seq: 4, excerpt: '' };

  it('is quoted by its files, never as an empty quote', () => {
    expect(replyQuote(filesRef, files, nameOf, ME).text).toBe('📎 beach.jpg');
    expect(replyQuote(filesRef, { ...files, attachments: [photo, { ...photo, name: 'b.pdf' }] }, nameOf, ME).text).toBe('📎 2 files');
    expect(replyDraftOf(files).excerpt).toBe('📎 beach.jpg');
  });

  it('says it is a file when only the server’s (empty) excerpt is known', () => {
    expect(replyQuote(filesRef, undefined, nameOf, ME).text).toBe('📎 File');
  });

  it('a caption still wins', () => {
    expect(replyQuote(filesRef, { ...files, body: 'the beach' }, nameOf, ME).text).toBe('the beach');
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
