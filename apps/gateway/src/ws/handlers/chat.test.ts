import { describe, expect, it } from 'vitest';
import { EncodedFrame, type KnownEvent, type ServerFrame } from '@parley/protocol';
import type { SubmitResult } from '@parley/db';
import type { GatewayDeps } from '../../deps.ts';
import type { SocketSession } from '../socket-session.ts';
import { createChatHandlers, MAX_ACTIONS_IN_FLIGHT } from './chat.ts';
import type { SocketTyping } from './typing.ts';

const CONVERSATION = '3c9b1f2e-7a44-4d0b-8c1e-5f6a7b8c9d0e';
const USER = { id: '8f14e45f-ceea-4e7a-9f6b-2b1c0d3e4a51', handle: 'ann', displayName: 'Ann' };

function event(seq: number): KnownEvent {
  const createdAt = new Date(0).toISOString();
  return {
    kind: 'message_created', conversationId: CONVERSATION, seq, actorId: USER.id, createdAt,
    message: {
      id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`, conversationId: CONVERSATION, seq, senderId: USER.id,
      clientId: `c-${seq}-xyzw`, kind: 'text', body: `m${seq}`, replyTo: null, mentions: [], editedAt: null, deletedAt: null, reactions: [], createdAt,
    },
  };
}

/** A frame as a client reads it (the send path hands some over already encoded). */
const decoded = (frame: ServerFrame | EncodedFrame): ServerFrame => (frame instanceof EncodedFrame ? (JSON.parse(frame.json) as ServerFrame) : frame);

/** The chat handlers over fakes: a writer whose commits the test settles, a hub and a socket that record. */
function setup() {
  const log: string[] = [];
  const sent: ServerFrame[] = [];
  const commits: Array<(result: SubmitResult) => void> = [];
  let clock = 0;
  const writer = {
    submit: () => new Promise<SubmitResult>((resolve) => commits.push(resolve)),
    apply: () => Promise.resolve({ duplicate: false }),
  };
  const hub = { publishToConversation: (_: string, frame: ServerFrame | EncodedFrame) => log.push(`publish ${decoded(frame).type}`) };
  const metrics = { messagesCommitted: { inc: () => undefined } };
  const push = { eventCommitted: (e: KnownEvent) => log.push(`push ${e.kind}`) };
  const session = {
    user: USER,
    socketId: 's1',
    deps: { writer, hub, metrics, push } as unknown as GatewayDeps,
    send: (encoded: ServerFrame | EncodedFrame) => {
      const frame = decoded(encoded);
      sent.push(frame);
      log.push(`send ${frame.type}${frame.type === 'error' ? ` ${frame.code}` : ''}`);
    },
    isClosed: () => false,
  } as unknown as SocketSession;
  const typing: SocketTyping = { onFrame: async () => undefined, stopAfterSend: () => log.push('typing stopped'), stopAll: () => undefined };
  const handlers = createChatHandlers(session, typing, { now: () => clock });
  const send = (n: number) =>
    handlers.chat_send({ type: 'chat_send', clientId: `client-${n}-abcd`, conversationId: CONVERSATION, body: `m${n}` });
  return { handlers, log, sent, commits, send, advance: (ms: number) => (clock += ms) };
}

describe('chat handlers', () => {
  it('stops typing, publishes the event to the conversation, then acks the sender', async () => {
    const t = setup();
    const done = t.send(1);
    t.commits[0]!({ event: event(1), duplicate: false });
    await done;
    expect(t.log).toEqual(['typing stopped', 'publish chat_event', 'send chat_ack', 'push message_created']);
    expect(t.sent[0]).toMatchObject({ type: 'chat_ack', clientId: 'client-1-abcd', duplicate: false, event: { seq: 1 } });
  });

  it('publishes a duplicate again, so a commit whose publish was lost still reaches everyone', async () => {
    const t = setup();
    const done = t.send(1);
    t.commits[0]!({ event: event(1), duplicate: true });
    await done;
    expect(t.log).toContain('publish chat_event');
    expect(t.sent[0]).toMatchObject({ type: 'chat_ack', duplicate: true });
  });

  it('acks an action that changed nothing without an event, and publishes nothing', async () => {
    const t = setup();
    await t.handlers.chat_react({
      type: 'chat_react', clientId: 'react-1-abcd', conversationId: CONVERSATION, messageId: '9b2e3f40-1a2b-4c3d-8e9f-0a1b2c3d4e5f', emoji: '👍', action: 'add',
    });
    expect(t.log).toEqual(['send chat_ack']);
    expect(t.sent[0]).toEqual({ type: 'chat_ack', clientId: 'react-1-abcd', duplicate: false });
  });

  it('refuses past the action bucket (30, then 10/s) with retryAfterMs, taking nothing from the writer', async () => {
    const t = setup();
    for (let i = 0; i < 30; i++) void t.send(i);
    await expect(t.send(30)).rejects.toMatchObject({ code: 'rate_limited', details: { retryAfterMs: 100 } });
    expect(t.commits).toHaveLength(30);
    t.advance(100);
    void t.send(31);
    expect(t.commits).toHaveLength(31);
  });

  it(`refuses past ${MAX_ACTIONS_IN_FLIGHT} actions waiting for their commit, and takes more once some are answered`, async () => {
    const t = setup();
    // Spread over time so the bucket never refuses: only the in-flight cap can.
    for (let i = 0; i < MAX_ACTIONS_IN_FLIGHT; i++) {
      void t.send(i);
      t.advance(100);
    }
    expect(t.commits).toHaveLength(MAX_ACTIONS_IN_FLIGHT);
    await expect(t.send(999)).rejects.toMatchObject({ code: 'rate_limited', details: { retryAfterMs: 250 } });
    expect(t.commits).toHaveLength(MAX_ACTIONS_IN_FLIGHT);
    t.commits[0]!({ event: event(1), duplicate: false });
    await new Promise((resolve) => setImmediate(resolve));
    void t.send(1000);
    expect(t.commits).toHaveLength(MAX_ACTIONS_IN_FLIGHT + 1);
  });
});
