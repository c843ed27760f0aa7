import { describe, expect, it } from 'vitest';
import type { ConversationEvent, Message } from '@parley/protocol';
import { replyExcerpt } from '@parley/protocol';
import { ConversationTimeline, RECENT_EVENTS_KEPT } from './timeline.ts';
import { CONVERSATION_A as A, CONVERSATION_B as B, makeCreated, makeMessage } from './testing/messages.ts';

const ALICE = '00000000-0000-4000-8000-0000000000a1';
const BOB = '00000000-0000-4000-8000-0000000000b0';
const at = '2026-11-30T12:00:00.000Z';

function change(seq: number, target: Message, fields: Record<string, unknown> & { kind: string; actorId?: string }): ConversationEvent {
  return {
    conversationId: target.conversationId,
    seq,
    actorId: BOB,
    createdAt: at,
    messageId: target.id,
    messageSeq: target.seq,
    ...fields,
  } as ConversationEvent;
}

describe('ConversationTimeline', () => {
  it('folds creates, edits, reactions and deletes into the current state', () => {
    const timeline = new ConversationTimeline(A);
    const first = makeMessage(A, 1, { senderId: BOB });
    const reply = makeMessage(A, 2, { senderId: ALICE, replyTo: { messageId: first.id, seq: 1, senderId: BOB, kind: 'text', excerpt: first.body } });
    timeline.apply(makeCreated(A, 1, first));
    timeline.apply(makeCreated(A, 2, reply));
    timeline.apply(change(3, first, { kind: 'message_edited', body: 'fixed typo', mentions: [ALICE], editedAt: at }));
    timeline.apply(change(4, first, { kind: 'reaction_added', emoji: '👍' }));
    timeline.apply(change(5, first, { kind: 'reaction_added', emoji: '👍', actorId: ALICE }));
    timeline.apply(change(6, first, { kind: 'reaction_added', emoji: '🎉' }));
    timeline.apply(change(7, first, { kind: 'reaction_removed', emoji: '🎉' }));
    expect(timeline.get(1)).toMatchObject({ body: 'fixed typo', mentions: [ALICE], editedAt: at, reactions: [{ emoji: '👍', userIds: [BOB, ALICE] }] });
    // A reply's quote follows the message it answers.
    expect(timeline.get(2)?.replyTo?.excerpt).toBe('fixed typo');

    timeline.apply(change(8, first, { kind: 'message_deleted', deletedAt: at }));
    expect(timeline.get(1)).toMatchObject({ body: '', mentions: [], reactions: [], editedAt: null, deletedAt: at });
    expect(timeline.get(2)?.replyTo?.excerpt).toBeNull();
    expect(timeline.messages.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('changes nothing when an event is applied again, or is of a kind it does not know', () => {
    const timeline = new ConversationTimeline(A);
    const message = makeMessage(A, 1);
    timeline.apply(makeCreated(A, 1, message));
    const events = [
      change(2, message, { kind: 'reaction_added', emoji: '👍' }),
      change(3, message, { kind: 'message_edited', body: 'v2', mentions: [], editedAt: at }),
    ];
    for (const event of events) timeline.apply(event);
    const once = timeline.get(1);
    for (const event of events) timeline.apply(event);
    expect(timeline.get(1)).toEqual(once);
    const version = timeline.version;
    expect(timeline.apply({ kind: 'unknown', conversationId: A, seq: 4, wireKind: 'poll_created' })).toBe(false);
    expect(timeline.apply(makeCreated(B, 9))).toBe(false);
    expect(timeline.version).toBe(version);
  });

  it('ignores an edit that arrives without its body (the message was deleted later)', () => {
    const timeline = new ConversationTimeline(A);
    const message = makeMessage(A, 1);
    timeline.apply(makeCreated(A, 1, message));
    timeline.apply(change(2, message, { kind: 'message_edited', body: null, mentions: [], editedAt: at }));
    expect(timeline.get(1)?.body).toBe(message.body);
  });

  it('brings a history page read before later events up to date, and keeps the messages array stable between changes', () => {
    const timeline = new ConversationTimeline(A);
    const old = makeMessage(A, 1, { body: 'old text' });
    // Events about a message this timeline has not loaded yet (it is further up the history).
    timeline.apply(makeCreated(A, 5));
    timeline.apply(change(6, old, { kind: 'message_edited', body: 'new text', mentions: [], editedAt: at }));
    timeline.apply(change(7, old, { kind: 'reaction_added', emoji: '🔥' }));
    // The page was read at seq 6: it has the edit but not the reaction.
    timeline.mergeHistory({ messages: [{ ...old, body: 'new text', editedAt: at }], throughSeq: 6 });
    expect(timeline.get(1)).toMatchObject({ body: 'new text', reactions: [{ emoji: '🔥', userIds: [BOB] }] });
    const messages = timeline.messages;
    expect(timeline.messages).toBe(messages);
    expect(messages.map((m) => m.seq)).toEqual([1, 5]);
  });

  it('cuts reply excerpts the way the server does: 140 code points', () => {
    expect(replyExcerpt('😀'.repeat(200))).toBe('😀'.repeat(140));
  });
});

describe('ConversationTimeline memory', () => {
  it('takes a page over what it holds when it has forgotten nothing since', () => {
    const timeline = new ConversationTimeline(A);
    const message = makeMessage(A, 1, { body: 'as created' });
    timeline.apply(makeCreated(A, 1, message));
    // Edited before this timeline listened: only a page can tell.
    timeline.mergeHistory({ messages: [{ ...message, body: 'edited', editedAt: at }], throughSeq: 5 });
    expect(timeline.get(1)?.body).toBe('edited');
  });

  it('keeps what it holds rather than a page older than the events it has forgotten', () => {
    const timeline = new ConversationTimeline(A);
    const message = makeMessage(A, 1, { body: 'v0' });
    timeline.apply(makeCreated(A, 1, message));
    timeline.apply(change(2, message, { kind: 'reaction_added', emoji: '👍' }));
    for (let seq = 3; seq < 3 + RECENT_EVENTS_KEPT + 5; seq++) {
      timeline.apply(change(seq, message, { kind: 'message_edited', body: `v${seq}`, mentions: [], editedAt: at }));
    }
    // A page read at seq 1 lacks the reaction, whose event is forgotten by now.
    timeline.mergeHistory({ messages: [message], throughSeq: 1 });
    expect(timeline.get(1)?.reactions).toEqual([{ emoji: '👍', userIds: [BOB] }]);
  });
});
