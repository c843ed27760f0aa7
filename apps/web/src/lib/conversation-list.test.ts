import { describe, expect, it } from 'vitest';
import { ANA, BO, ME, conversation, message } from '../testing/fixtures.ts';
import { applyLiveMessage, applyReadPosition, conversationTitle, keepNewerActivity, previewText } from './conversation-list.ts';

describe('applyLiveMessage', () => {
  const older = conversation('c1', { lastSeq: 3, lastReadSeq: 3, lastActivityAt: '2026-01-01T10:00:00.000Z' });
  const newer = conversation('c2', { lastSeq: 1, lastActivityAt: '2026-01-01T11:00:00.000Z' });

  it('moves the conversation to the top, updates preview and counts unread', () => {
    const m = message(4, { conversationId: 'c1', senderId: ANA, body: 'hi there' });
    const { list, unknownConversation } = applyLiveMessage([newer, older], m, { meId: ME });
    expect(unknownConversation).toBe(false);
    expect(list.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(list[0]).toMatchObject({ lastSeq: 4, unreadCount: 1, lastReadSeq: 3, lastActivityAt: m.createdAt });
    expect(list[0]?.lastMessage).toMatchObject({ body: 'hi there', senderDisplayName: 'Ana Lima' });
  });

  it('does not count own messages or the conversation being read', () => {
    const own = applyLiveMessage([older], message(4, { conversationId: 'c1', senderId: ME }), { meId: ME });
    expect(own.list[0]).toMatchObject({ unreadCount: 0, lastReadSeq: 4 });
    const reading = applyLiveMessage([older], message(4, { conversationId: 'c1' }), { meId: ME, readingConversationId: 'c1' });
    expect(reading.list[0]?.unreadCount).toBe(0);
  });

  it('ignores replays at or below the known lastSeq', () => {
    const { list } = applyLiveMessage([older], message(3, { conversationId: 'c1' }), { meId: ME });
    expect(list[0]).toBe(older);
  });

  it('takes the new title from a live rename, before any refetch', () => {
    const group = conversation('c1', { kind: 'group', title: 'Old', lastSeq: 3 });
    const renamed = message(4, { conversationId: 'c1', kind: 'system', body: '', system: { action: 'renamed', title: 'Trip 2027' } });
    expect(applyLiveMessage([group], renamed, { meId: ME }).list[0]?.title).toBe('Trip 2027');
    expect(applyLiveMessage([group], message(5, { conversationId: 'c1' }), { meId: ME }).list[0]?.title).toBe('Old');
  });

  it('moves a member’s role from a live role change, before any refetch', () => {
    const group = conversation('c1', { kind: 'group', title: 'Team', lastSeq: 3 });
    const promoted = message(4, { conversationId: 'c1', kind: 'system', body: '', system: { action: 'role_changed', user: { id: ANA, displayName: 'Ana Lima' }, role: 'admin' } });
    expect(applyLiveMessage([group], promoted, { meId: ME }).list[0]?.members.find((m) => m.id === ANA)?.role).toBe('admin');
  });

  it('takes the history policy from a live change, before any refetch', () => {
    const group = conversation('c1', { kind: 'group', title: 'Team', lastSeq: 3 });
    const changed = message(4, { conversationId: 'c1', kind: 'system', body: '', system: { action: 'history_visibility_changed', visibility: 'since_joined' } });
    expect(applyLiveMessage([group], changed, { meId: ME }).list[0]?.historyVisibility).toBe('since_joined');
    expect(applyLiveMessage([group], message(4, { conversationId: 'c1' }), { meId: ME }).list[0]?.historyVisibility).toBe('all');
  });

  it('flags a conversation it does not know', () => {
    expect(applyLiveMessage([older], message(1, { conversationId: 'c9' }), { meId: ME }).unknownConversation).toBe(true);
  });
});

describe('applyReadPosition', () => {
  it('clears the unread count once caught up, and never moves backwards', () => {
    const c = conversation('c1', { lastSeq: 9, lastReadSeq: 5, unreadCount: 4 });
    expect(applyReadPosition([c], 'c1', 9)[0]).toMatchObject({ lastReadSeq: 9, unreadCount: 0 });
    expect(applyReadPosition([c], 'c1', 7)[0]).toMatchObject({ lastReadSeq: 7, unreadCount: 4 });
    expect(applyReadPosition([c], 'c1', 2)[0]).toBe(c);
  });
});

describe('titles and previews', () => {
  it('names a direct conversation after the other member', () => {
    expect(conversationTitle(conversation('c1'), ME)).toBe('Ana Lima');
    expect(conversationTitle(conversation('c1', { kind: 'group', title: 'Team' }), ME)).toBe('Team');
  });

  it('prefixes own messages with "You:" and group messages with the sender', () => {
    const own = conversation('c1', { lastMessage: { ...message(1, { senderId: ME, body: 'line one\nline two' }), senderDisplayName: 'Me Myself' } });
    expect(previewText(own, ME)).toBe('You: line one line two');
    const group = conversation('c2', {
      kind: 'group',
      title: 'Team',
      lastMessage: { ...message(1, { senderId: BO, body: 'hey' }), senderDisplayName: 'Bo Chen' },
    });
    expect(previewText(group, ME)).toBe('Bo: hey');
  });

  it('names the file of a message without a caption, or counts them', () => {
    const file = (name: string) => ({ id: '30000000-0000-4000-8000-000000000001', name, size: 1, mime: 'image/png', width: 1, height: 1, thumbnail: null });
    const one = conversation('c1', { lastMessage: { ...message(1, { senderId: BO, body: '', attachments: [file('cat.png')] }), senderDisplayName: 'Bo Chen' } });
    expect(previewText(one, ME)).toBe('📎 cat.png');
    const many = conversation('c1', { lastMessage: { ...message(1, { senderId: ME, body: '', attachments: [file('a'), file('b')] }), senderDisplayName: 'Me' } });
    expect(previewText(many, ME)).toBe('You: 📎 2 files');
    const captioned = conversation('c1', { lastMessage: { ...message(1, { senderId: BO, body: 'look', attachments: [file('a')] }), senderDisplayName: 'Bo Chen' } });
    expect(previewText(captioned, ME)).toBe('look');
  });
});

describe('previewText for calls', () => {
  it('shows the call event in words, without a sender prefix', () => {
    const call = { callId: '20000000-0000-4000-8000-000000000001', media: 'audio' as const, endReason: 'completed' as const, durationMs: 38_000 };
    const c = conversation('c3', { lastMessage: { ...message(1, { senderId: ME, kind: 'call', body: '', call }), senderDisplayName: 'Me Myself' } });
    expect(previewText(c, ME)).toBe('Audio call, 38 s');
  });
});

describe('keepNewerActivity', () => {
  it('keeps what live events added after the fetched list was read', () => {
    const fetched = [conversation('c1', { lastSeq: 3, lastActivityAt: '2026-01-01T10:00:00.000Z' }), conversation('c2', { lastSeq: 5, lastActivityAt: '2026-01-01T11:00:00.000Z' })];
    const live = message(4, { conversationId: 'c1', body: 'newest', createdAt: '2026-01-01T12:00:00.000Z' });
    const cached = applyLiveMessage(fetched, live, { meId: ME }).list;
    const merged = keepNewerActivity(fetched, cached);
    expect(merged.map((c) => [c.id, c.lastSeq, c.lastMessage?.body])).toEqual([
      ['c1', 4, 'newest'],
      ['c2', 5, undefined],
    ]);
    expect(merged[0]?.unreadCount).toBe(1);
  });

  it('takes the fetched list where it is as new or newer', () => {
    const cached = [conversation('c1', { lastSeq: 2, unreadCount: 9 })];
    const fetched = [conversation('c1', { lastSeq: 2, unreadCount: 0 }), conversation('c3')];
    expect(keepNewerActivity(fetched, cached)).toEqual(fetched);
    expect(keepNewerActivity(fetched, undefined)).toEqual(fetched);
  });
});
