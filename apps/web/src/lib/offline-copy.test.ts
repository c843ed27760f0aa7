import { describe, expect, it } from 'vitest';
import { conversation, message } from '../testing/fixtures.ts';
import { memoryStorage } from '../testing/memory-storage.ts';
import { HISTORIES_KEPT, HISTORY_MESSAGES_KEPT, loadConversationList, loadHistory, saveConversationList, saveHistory } from './offline-copy.ts';
import type { KeyValueStorage } from './browser-storage.ts';

describe('offline copy of the conversation list', () => {
  it('is kept per user', () => {
    const s = memoryStorage();
    saveConversationList(s, 'u1', [conversation('c1')]);
    expect(loadConversationList(s, 'u1')?.map((c) => c.id)).toEqual(['c1']);
    expect(loadConversationList(s, 'u2')).toBeNull();
  });

  it('ignores a damaged copy', () => {
    const s = memoryStorage();
    s.setItem('parley.offline.v1.u1.conversations', '{"not":"a list"}');
    expect(loadConversationList(s, 'u1')).toBeNull();
  });
});

describe('offline copy of a conversation’s history', () => {
  it('keeps the newest messages and where the fold stands', () => {
    const s = memoryStorage();
    const messages = Array.from({ length: HISTORY_MESSAGES_KEPT + 10 }, (_, i) => message(i + 1));
    saveHistory(s, 'u1', 'c1', { messages, throughSeq: 75, hasMore: false });
    const copy = loadHistory(s, 'u1', 'c1');
    expect(copy?.messages).toHaveLength(HISTORY_MESSAGES_KEPT);
    expect(copy?.messages[0]?.seq).toBe(11);
    // Older messages exist that the copy does not hold: they load over HTTP once online.
    expect(copy?.hasMore).toBe(true);
    expect(copy?.throughSeq).toBe(75);
    expect(loadHistory(s, 'u2', 'c1')).toBeNull();
  });

  it('drops the least recently saved conversation beyond the limit', () => {
    const s = memoryStorage();
    for (let i = 0; i <= HISTORIES_KEPT; i++) saveHistory(s, 'u1', `c${i}`, { messages: [message(1, { conversationId: `c${i}` })], throughSeq: 1, hasMore: false });
    expect(loadHistory(s, 'u1', 'c0')).toBeNull();
    expect(loadHistory(s, 'u1', 'c1')).not.toBeNull();
    expect(loadHistory(s, 'u1', `c${HISTORIES_KEPT}`)).not.toBeNull();
  });

  it('never shows messages of another conversation', () => {
    const s = memoryStorage();
    s.setItem('parley.offline.v1.u1.history.c2', JSON.stringify({ messages: [message(1)], throughSeq: 1, hasMore: false }));
    expect(loadHistory(s, 'u1', 'c2')).toBeNull();
  });

  it('makes room by dropping other copies when storage is full', () => {
    const s = memoryStorage();
    saveHistory(s, 'u1', 'c2', { messages: [message(1, { conversationId: 'c2' })], throughSeq: 1, hasMore: false });
    const full: KeyValueStorage = {
      ...s,
      setItem: (key, value) => {
        if (key.endsWith('history.c1') && s.getItem('parley.offline.v1.u1.history.c2') !== null) throw new Error('QuotaExceededError');
        s.setItem(key, value);
      },
    };
    saveHistory(full, 'u1', 'c1', { messages: [message(1)], throughSeq: 1, hasMore: false });
    expect(loadHistory(s, 'u1', 'c1')?.messages).toHaveLength(1);
    expect(loadHistory(s, 'u1', 'c2')).toBeNull();
  });
});
