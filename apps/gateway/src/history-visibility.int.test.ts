import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatAckFrame } from '@parley/protocol';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { act, ackedMessage, liveLog, syncLog, type ActionFrame, type TestSocket } from './testing/ws-client.ts';

// History visibility `since_joined` on the live path (PROTOCOL.md §5): a member who joined after
// a message never gets anything of it live either: a reply to it comes without the excerpt, an
// edit or reaction of it not at all, and their sync steps over those seqs.

let h: Harness;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let conversationId: string;

beforeAll(async () => {
  h = await startHarness();
  [alice, bob, carol] = await Promise.all([h.signUp('alice'), h.signUp('bob'), h.signUp('carol')]);
  const group = await h.trpc<{ conversationId: string }>('conversations.createGroup', { title: 'Since', memberIds: [bob.user.id] }, { cookie: alice.cookie });
  conversationId = group.data!.conversationId;
});
afterAll(() => h?.close());

async function ack(socket: TestSocket, frame: ActionFrame): Promise<ChatAckFrame> {
  const answer = await act(socket, frame);
  if (answer.type === 'error') throw new Error(`${frame.type} refused: ${answer.code} ${answer.message}`);
  return answer;
}

describe('history visibility on the live path', () => {
  it('sends a late joiner no excerpt, edit or reaction of a message from before they joined', async () => {
    const set = await h.trpc('conversations.setHistoryVisibility', { conversationId, visibility: 'since_joined' }, { cookie: alice.cookie });
    expect(set.status).toBe(200);
    const a = await h.connect(alice);
    const b = await h.connect(bob);
    const old = ackedMessage(await ack(a, { type: 'chat_send', conversationId, body: 'before carol' }));
    await h.trpc('conversations.addMembers', { conversationId, userIds: [carol.user.id] }, { cookie: alice.cookie });
    const c = await h.connect(carol);

    const reply = ackedMessage(await ack(b, { type: 'chat_send', conversationId, body: 'a reply', replyTo: old.id }));
    const edit = await ack(a, { type: 'chat_edit', conversationId, messageId: old.id, body: 'before carol, edited' });
    const react = await ack(b, { type: 'chat_react', conversationId, messageId: old.id, emoji: '👀', action: 'add' });
    const marker = ackedMessage(await ack(a, { type: 'chat_send', conversationId, body: 'marker' }));

    await c.next('chat_event', (f) => f.event.seq === marker.seq);
    await a.next('chat_event', (f) => f.event.seq === marker.seq);
    const carolLive = liveLog(c, conversationId);
    expect(carolLive.map((e) => e.seq)).toEqual([reply.seq, marker.seq]);
    const liveReply = carolLive[0];
    expect(liveReply?.kind === 'message_created' && liveReply.message.replyTo).toBeNull();
    // Everyone else got all four, the excerpt included.
    const aliceLive = liveLog(a, conversationId).filter((e) => e.seq >= reply.seq);
    expect(aliceLive.map((e) => e.seq)).toEqual([reply.seq, edit.event!.seq, react.event!.seq, marker.seq]);
    expect(aliceLive[0]?.kind === 'message_created' && aliceLive[0].message.replyTo).toMatchObject({ messageId: old.id, excerpt: 'before carol' });

    // Carol's sync from before she joined agrees with what she got live, and ends at the head.
    const synced = await syncLog(c, conversationId, 0, 3);
    expect(synced.throughSeq).toBe(marker.seq);
    expect(synced.events.filter((e) => e.seq >= reply.seq).map((e) => e.seq)).toEqual([reply.seq, marker.seq]);
    expect(synced.events.some((e) => e.kind === 'message_created' && e.message.id === old.id)).toBe(false);

    // Acting on it by id is refused as if it were not there.
    const refused = await act(c, { type: 'chat_react', conversationId, messageId: old.id, emoji: '👀', action: 'add' });
    expect(refused).toMatchObject({ type: 'error', code: 'not_found' });
  });
});
