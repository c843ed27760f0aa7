import { describe, expect, it } from 'vitest';
import type { PublicUser } from '@parley/protocol';
import { activeMentionQuery, insertMention, suggestMembers } from './mention-query.ts';

const me: PublicUser = { id: 'me', handle: 'me', displayName: 'Me Myself' };
const bob: PublicUser = { id: 'b', handle: 'bob', displayName: 'Bob Builder' };
const bobby: PublicUser = { id: 'c', handle: 'rob', displayName: 'Bobby Tables' };
const ana: PublicUser = { id: 'a', handle: 'ana_lima', displayName: 'Ana Bobrova' };
const zed: PublicUser = { id: 'z', handle: 'zed', displayName: 'Zed Alpha' };
const members = [me, zed, ana, bobby, bob];

describe('activeMentionQuery', () => {
  it('finds the handle being typed at the caret', () => {
    expect(activeMentionQuery('hi @bo', 6)).toEqual({ start: 3, end: 6, query: 'bo' });
    expect(activeMentionQuery('@', 1)).toEqual({ start: 0, end: 1, query: '' });
    expect(activeMentionQuery('(@ana', 5)).toEqual({ start: 1, end: 5, query: 'ana' });
  });

  it('covers the rest of the handle when the caret is inside it', () => {
    expect(activeMentionQuery('hi @bob there', 5)).toEqual({ start: 3, end: 7, query: 'b' });
  });

  it('is null for e-mail addresses, finished words and text without @', () => {
    expect(activeMentionQuery('ana@exa', 7)).toBeNull();
    expect(activeMentionQuery('hi @bob there', 13)).toBeNull();
    expect(activeMentionQuery('hello', 5)).toBeNull();
    expect(activeMentionQuery('@@bob', 5)).toBeNull();
  });
});

describe('suggestMembers', () => {
  it('lists everyone but me for a bare @, by name', () => {
    expect(suggestMembers(members, '', 'me').map((u) => u.handle)).toEqual(['ana_lima', 'bob', 'rob', 'zed']);
  });

  it('ranks handle prefix, then name prefix, then a word of the name, then anywhere', () => {
    expect(suggestMembers(members, 'bob', 'me').map((u) => u.handle)).toEqual(['bob', 'rob', 'ana_lima']);
    expect(suggestMembers(members, 'alp', 'me').map((u) => u.handle)).toEqual(['zed']);
    expect(suggestMembers(members, 'IM', 'me').map((u) => u.handle)).toEqual(['ana_lima']);
  });

  it('returns nothing when nobody matches, and honours the limit', () => {
    expect(suggestMembers(members, 'xyz', 'me')).toEqual([]);
    expect(suggestMembers(members, '', 'me', 2)).toHaveLength(2);
  });
});

describe('insertMention', () => {
  it('replaces the query with the handle and a space, caret after it', () => {
    const text = 'hi @bo';
    expect(insertMention(text, activeMentionQuery(text, 6)!, 'bob')).toEqual({ text: 'hi @bob ', caret: 8 });
  });

  it('replaces a whole handle the caret was inside, keeping the existing space', () => {
    const text = 'hi @bxx there';
    expect(insertMention(text, activeMentionQuery(text, 5)!, 'bob')).toEqual({ text: 'hi @bob there', caret: 8 });
  });
});
