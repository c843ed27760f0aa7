import { CLOSE_CODES, encodeFrame } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { createInProcessBus } from './bus.ts';
import { createHub } from './hub.ts';
import { createFakeSocket } from './testing/fake-socket.ts';
import { chatMessage, conversationChanged } from './testing/frames.ts';
import { createRecordingLogger, flush } from './testing/recording-logger.ts';
import { createSpyBus } from './testing/spy-bus.ts';
import { topics } from './topics.ts';

/** Two hubs on one shared bus behave like two gateway nodes behind Redis. */
function twoNodes() {
  const logger = createRecordingLogger();
  const shared = createInProcessBus({ logger });
  const busA = createSpyBus(shared);
  const busB = createSpyBus(shared);
  return {
    logger,
    busA,
    busB,
    nodeA: createHub({ bus: busA, logger }),
    nodeB: createHub({ bus: busB, logger }),
  };
}

describe('hub across two nodes', () => {
  it('delivers a conversation frame published on A to sockets on both nodes', async () => {
    const { nodeA, nodeB, busA, busB } = twoNodes();
    const sender = createFakeSocket({ id: 'a1', userId: 'u1', sessionId: 's1' });
    const onB = createFakeSocket({ id: 'b1', userId: 'u2', sessionId: 's2' });
    const notMember = createFakeSocket({ id: 'b2', userId: 'u3', sessionId: 's3' });
    await nodeA.attach(sender, ['c1']);
    await nodeB.attach(onB, ['c1']);
    await nodeB.attach(notMember, ['c2']);

    nodeA.publishToConversation('c1', chatMessage('c1', 1));
    await flush();

    const payload = encodeFrame(chatMessage('c1', 1));
    expect(sender.sent).toEqual([payload]); // the sender's own sockets too
    expect(onB.sent).toEqual([payload]);
    expect(notMember.sent).toEqual([]);
    expect(busA.subscriptions(topics.conversation('c1'))).toBe(1);
    expect(busB.subscriptions(topics.conversation('c1'))).toBe(1);
    expect(nodeA.stats()).toMatchObject({ published: 1, delivered: 1 });
    expect(nodeB.stats()).toMatchObject({ published: 0, delivered: 1 });
  });

  it('publishToUser on A reaches that user on B', async () => {
    const { nodeA, nodeB } = twoNodes();
    const phone = createFakeSocket({ id: 'b1', userId: 'u1', sessionId: 's2' });
    await nodeB.attach(phone, []);
    nodeA.publishToUser('u1', conversationChanged('c1'));
    await flush();
    expect(phone.sent).toEqual([encodeFrame(conversationChanged('c1'))]);
  });

  it('publishToUsers encodes once and reaches each listed user, on any node, and nobody else', async () => {
    const { nodeA, nodeB, busA } = twoNodes();
    const u1 = createFakeSocket({ id: 'b1', userId: 'u1', sessionId: 's1' });
    const u2 = createFakeSocket({ id: 'a2', userId: 'u2', sessionId: 's2' });
    const u3 = createFakeSocket({ id: 'b3', userId: 'u3', sessionId: 's3' });
    await nodeB.attach(u1, []);
    await nodeA.attach(u2, []);
    await nodeB.attach(u3, []);
    nodeA.publishToUsers(['u1', 'u2'], conversationChanged('c1'));
    await flush();
    expect(u1.sent).toEqual([encodeFrame(conversationChanged('c1'))]);
    expect(u2.sent).toEqual(u1.sent);
    expect(u3.sent).toEqual([]);
    const payloads = busA.published.map((p) => p.payload);
    expect(payloads).toHaveLength(2);
    expect(payloads[0]).toBe(payloads[1]); // one encoded string, reused
  });

  it('publishToSocket on A reaches exactly that device on B, not the same user\'s other devices', async () => {
    const { nodeA, nodeB, busB } = twoNodes();
    const laptop = createFakeSocket({ id: 'b1', userId: 'u1', sessionId: 's1' });
    const phone = createFakeSocket({ id: 'b2', userId: 'u1', sessionId: 's2' });
    await nodeB.attach(laptop, []);
    await nodeB.attach(phone, []);
    nodeA.publishToSocket('b2', conversationChanged('c1'));
    await flush();
    expect(phone.sent).toEqual([encodeFrame(conversationChanged('c1'))]);
    expect(laptop.sent).toEqual([]);
    await nodeB.detach('b2');
    await flush();
    expect(busB.subscriptions(topics.socket('b2'))).toBe(0);
  });

  it('joinConversation on A subscribes the user sockets on B, leave on A unsubscribes them', async () => {
    const { nodeA, nodeB, busB } = twoNodes();
    const joiner = createFakeSocket({ id: 'b1', userId: 'u1', sessionId: 's1' });
    const bystander = createFakeSocket({ id: 'b2', userId: 'u2', sessionId: 's2' });
    await nodeB.attach(joiner, []);
    await nodeB.attach(bystander, []);

    nodeA.joinConversation('u1', 'c1');
    await flush();
    expect(busB.subscriptions(topics.conversation('c1'))).toBe(1);
    nodeA.publishToConversation('c1', chatMessage('c1', 1));
    await flush();
    expect(joiner.sent).toHaveLength(1);
    expect(bystander.sent).toEqual([]);

    nodeA.leaveConversation('u1', 'c1');
    await flush();
    expect(busB.subscriptions(topics.conversation('c1'))).toBe(0);
    nodeA.publishToConversation('c1', chatMessage('c1', 2));
    await flush();
    expect(joiner.sent).toHaveLength(1);
  });

  it('closeSession on A closes that session on B, not the same user other session', async () => {
    const { nodeA, nodeB, busB } = twoNodes();
    const signedOut = createFakeSocket({ id: 'b1', userId: 'u1', sessionId: 's-laptop' });
    const signedOutTab = createFakeSocket({ id: 'a1', userId: 'u1', sessionId: 's-laptop' });
    const stillIn = createFakeSocket({ id: 'b2', userId: 'u1', sessionId: 's-phone' });
    await nodeB.attach(signedOut, ['c1']);
    await nodeA.attach(signedOutTab, ['c1']);
    await nodeB.attach(stillIn, ['c1']);

    nodeA.closeSession('s-laptop', CLOSE_CODES.unauthorized.code, 'signed_out');
    await flush();

    expect(signedOut.closed).toEqual({ code: 4001, reason: 'signed_out' });
    expect(signedOutTab.closed).toEqual({ code: 4001, reason: 'signed_out' });
    expect(stillIn.closed).toBeUndefined();
    expect(nodeB.stats().sockets).toBe(1);
    expect(busB.subscriptions(topics.session('s-laptop'))).toBe(0);

    nodeA.publishToConversation('c1', chatMessage('c1', 1));
    await flush();
    expect(stillIn.sent).toHaveLength(1);
    expect(signedOut.sent).toEqual([]);
  });

  it('closeAll on A leaves B sockets open', async () => {
    const { nodeA, nodeB } = twoNodes();
    const a = createFakeSocket({ id: 'a1', userId: 'u1', sessionId: 's1' });
    const b = createFakeSocket({ id: 'b1', userId: 'u1', sessionId: 's1' });
    await nodeA.attach(a, []);
    await nodeB.attach(b, []);
    nodeA.closeAll(CLOSE_CODES.service_restart.code, 'service_restart');
    await flush();
    expect(a.closed?.code).toBe(1012);
    expect(b.closed).toBeUndefined();
  });
});
