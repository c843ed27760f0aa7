import { describe, expect, it } from 'vitest';
import type { ConversationEvent } from '@parley/protocol';
import { ANA, ME, conversation, message } from '../testing/fixtures.ts';
import { forgetReadMentions, hasUnreadMention, noteMentionEvent, noteMentionPage } from './unread-mentions.ts';

const created = (seq: number, over = {}): ConversationEvent => ({
  kind: 'message_created',
  conversationId: 'c1',
  seq,
  actorId: ANA,
  createdAt: '2026-01-01T12:00:00.000Z',
  message: message(seq, over),
});

describe('unread mentions', () => {
  it('marks a conversation when someone else mentions me, until I read past it', () => {
    const index = noteMentionEvent({}, created(5, { mentions: [ME] }), ME);
    expect(hasUnreadMention(index, conversation('c1', { lastReadSeq: 4, lastSeq: 6 }), ME)).toBe(true);
    expect(hasUnreadMention(index, conversation('c1', { lastReadSeq: 5, lastSeq: 6 }), ME)).toBe(false);
    expect(forgetReadMentions(index, 'c1', 5)).toEqual({ c1: [] });
  });

  it('ignores my own mentions of myself and messages mentioning others', () => {
    let index = noteMentionEvent({}, created(5, { senderId: ME, mentions: [ME] }), ME);
    index = noteMentionEvent(index, created(6, { mentions: [ANA] }), ME);
    expect(hasUnreadMention(index, conversation('c1', { lastReadSeq: 0, lastSeq: 6 }), ME)).toBe(false);
  });

  it('drops the mark when the mention is edited away or the message deleted', () => {
    const base = { conversationId: 'c1', actorId: ANA, createdAt: '2026-01-01T12:00:00.000Z', messageId: message(5).id, messageSeq: 5 };
    const index = noteMentionEvent({}, created(5, { mentions: [ME] }), ME);
    const edited = noteMentionEvent(index, { ...base, kind: 'message_edited', seq: 6, body: 'no one', mentions: [], editedAt: base.createdAt }, ME);
    expect(edited).toEqual({ c1: [] });
    const deleted = noteMentionEvent(index, { ...base, kind: 'message_deleted', seq: 6, deletedAt: base.createdAt }, ME);
    expect(deleted).toEqual({ c1: [] });
    const addedByEdit = noteMentionEvent({}, { ...base, kind: 'message_edited', seq: 6, body: '@me', mentions: [ME], editedAt: base.createdAt }, ME);
    expect(addedByEdit).toEqual({ c1: [5] });
  });

  it('learns mentions from a history page, and from the list’s last message after a reload', () => {
    const index = noteMentionPage({}, [message(3, { mentions: [ME] }), message(4)], ME);
    expect(index).toEqual({ c1: [3] });
    const fresh = conversation('c1', { lastReadSeq: 2, lastSeq: 3, lastMessage: { ...message(3, { mentions: [ME] }), senderDisplayName: 'Ana' } });
    expect(hasUnreadMention({}, fresh, ME)).toBe(true);
  });
});
