import { describe, expect, it } from 'vitest';
import { EmojiSchema, MessageBodySchema } from './models.ts';
import { mentionedHandles } from './mentions.ts';
import { parseClientFrame, parseServerFrame } from './parse.ts';

const CONV = '8a1f2d8e-7a8b-4c3d-9e0f-1a2b3c4d5e6f';
const MSG = '9b2e3f40-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
const USER = '7c1d2e3f-4a5b-4c6d-9e8f-0a1b2c3d4e5f';
const at = '2026-11-30T12:00:00.000Z';
const message = {
  id: MSG, conversationId: CONV, seq: 3, senderId: USER, clientId: 'client-0001', kind: 'text', body: 'hi',
  replyTo: null, mentions: [], editedAt: null, deletedAt: null, reactions: [], createdAt: at,
};

describe('action frames', () => {
  it('accepts edits, deletes and reactions, and refuses what the server could not store', () => {
    const frame = (f: Record<string, unknown>) => parseClientFrame(JSON.stringify({ clientId: 'client-0001', conversationId: CONV, ...f }));
    expect(frame({ type: 'chat_edit', messageId: MSG, body: 'fixed' }).ok).toBe(true);
    expect(frame({ type: 'chat_delete', messageId: MSG }).ok).toBe(true);
    expect(frame({ type: 'chat_react', messageId: MSG, emoji: '👍🏽', action: 'add' }).ok).toBe(true);
    expect(frame({ type: 'chat_send', body: 'a reply', replyTo: MSG }).ok).toBe(true);
    const refused = [
      frame({ type: 'chat_edit', messageId: MSG, body: ' ' }),
      frame({ type: 'chat_edit', messageId: 'nope', body: 'x' }),
      frame({ type: 'chat_react', messageId: MSG, emoji: '👍', action: 'toggle' }),
      frame({ type: 'chat_react', messageId: MSG, emoji: 'ok', action: 'add' }),
      frame({ type: 'chat_send', body: 'x', replyTo: 'not-a-uuid' }),
    ];
    for (const result of refused) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect([result.error.code, result.ref]).toEqual(['bad_frame', 'client-0001']);
    }
  });

  it('refuses a body with U+0000 or an unpaired surrogate, and keeps a paired one', () => {
    expect(MessageBodySchema.safeParse('a\u0000b').success).toBe(false);
    expect(MessageBodySchema.safeParse('broken \ud83d').success).toBe(false);
    expect(MessageBodySchema.safeParse('\ude00 broken').success).toBe(false);
    expect(MessageBodySchema.safeParse('fine 😀').success).toBe(true);
  });

  it('takes one emoji per reaction: flags, keycaps, skin tones and families included', () => {
    for (const ok of ['👍', '👍🏽', '🇫🇷', '1️⃣', '👨‍👩‍👧‍👦', '❤️']) expect(EmojiSchema.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['', 'a', '👍👍', ':+1:', '👍 ', 'x'.repeat(40)]) expect(EmojiSchema.safeParse(bad).success, bad).toBe(false);
  });
});

describe('events from the server', () => {
  it('reads every known kind', () => {
    const base = { conversationId: CONV, actorId: USER, createdAt: at };
    const events = [
      { ...base, seq: 3, kind: 'message_created', message },
      { ...base, seq: 4, kind: 'message_edited', messageId: MSG, messageSeq: 3, body: 'new', mentions: [], editedAt: at },
      { ...base, seq: 5, kind: 'reaction_added', messageId: MSG, messageSeq: 3, emoji: '👍' },
      { ...base, seq: 6, kind: 'message_deleted', messageId: MSG, messageSeq: 3, deletedAt: at },
    ];
    const parsed = parseServerFrame(JSON.stringify({ type: 'chat_sync_result', conversationId: CONV, afterSeq: 2, events, hasMore: false, throughSeq: 6 }));
    expect(parsed.ok).toBe(true);
    if (parsed.ok && parsed.frame.type === 'chat_sync_result') expect(parsed.frame.events.map((e) => e.kind)).toEqual(events.map((e) => e.kind));
  });

  it('keeps an event it cannot read as `unknown` (with its seq) instead of refusing the whole page', () => {
    const frame = {
      type: 'chat_sync_result', conversationId: CONV, afterSeq: 0, hasMore: false, throughSeq: 3,
      events: [
        { conversationId: CONV, seq: 1, kind: 'poll_created', question: 'Lunch?' },
        { conversationId: CONV, seq: 2, kind: 'message_edited', messageId: 'broken' },
        { conversationId: CONV, seq: 3, actorId: USER, createdAt: at, kind: 'message_created', message: { ...message, seq: 3, kind: 'sticker' } },
      ],
    };
    const parsed = parseServerFrame(JSON.stringify(frame));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.frame.type !== 'chat_sync_result') return;
    expect(parsed.frame.events.slice(0, 2)).toEqual([
      { conversationId: CONV, seq: 1, kind: 'unknown', wireKind: 'poll_created' },
      { conversationId: CONV, seq: 2, kind: 'unknown', wireKind: 'message_edited' },
    ]);
    // A message of a kind this code does not know is still a message: shown as a placeholder.
    expect(parsed.frame.events[2]).toMatchObject({ kind: 'message_created', message: { kind: 'unknown', seq: 3 } });
  });
});

describe('mentionedHandles', () => {
  it('finds @handles, once each, case-insensitively, and never e-mail addresses', () => {
    expect(mentionedHandles('@Bob and @carol_2, mail bob@example.org, @bob again, @x too short, (@dave)')).toEqual(['bob', 'carol_2', 'dave']);
  });
});
