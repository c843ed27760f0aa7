import { CLOSE_CODES, encodeFrame } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { createInProcessBus } from './bus.ts';
import { createHub } from './hub.ts';
import { createFakeSocket } from './testing/fake-socket.ts';
import { chatMessage, conversationChanged } from './testing/frames.ts';
import { createRecordingLogger, flush } from './testing/recording-logger.ts';
import { createSpyBus } from './testing/spy-bus.ts';
import { topics } from './topics.ts';

/** Two hubs on one shared bus, each behind its own spy: two gateway nodes behind Redis. */
function twoNodes() {
  const logger = createRecordingLogger();
  const shared = createInProcessBus({ logger });
  const busA = createSpyBus(shared);
  const busB = createSpyBus(shared);
  return { logger, busA, busB, nodeA: createHub({ bus: busA, logger }), nodeB: createHub({ bus: busB, logger }) };
}

const socket = (id: string, userId: string, sessionId = `s-${id}`) => createFakeSocket({ id, userId, sessionId });
const resync = (...conversationIds: string[]) => encodeFrame({ type: 'chat_resync', conversationIds });

describe('hub: local delivery does not depend on the bus', () => {
  it('delivers to its own sockets at once and in publish order while the bus delivers nothing', async () => {
    const { nodeA, busA } = twoNodes();
    const a1 = socket('a1', 'u1');
    const a2 = socket('a2', 'u2');
    await nodeA.attach(a1, ['c1']);
    await nodeA.attach(a2, ['c1']);
    busA.dropPublishes = true; // Redis is down

    for (let seq = 1; seq <= 5; seq += 1) nodeA.publishToConversation('c1', chatMessage('c1', seq));
    nodeA.publishToUser('u2', conversationChanged('c9'));
    nodeA.publishToSocket('a1', conversationChanged('c8'));

    // Synchronously: no tick, no bus round trip.
    const expected = [1, 2, 3, 4, 5].map((seq) => encodeFrame(chatMessage('c1', seq)));
    expect(a1.sent).toEqual([...expected, encodeFrame(conversationChanged('c8'))]);
    expect(a2.sent).toEqual([...expected, encodeFrame(conversationChanged('c9'))]);
  });

  it('counts each user\'s sockets on this node, for the per-user cap', async () => {
    const { nodeA, nodeB } = twoNodes();
    await nodeA.attach(socket('p', 'u1'), []);
    await nodeA.attach(socket('l', 'u1'), ['c1']);
    await nodeB.attach(socket('t', 'u1'), []);
    expect(nodeA.userSocketCount('u1')).toBe(2);
    expect(nodeB.userSocketCount('u1')).toBe(1);
    expect(nodeA.userSocketCount('u2')).toBe(0);
    await nodeA.detach('p');
    expect(nodeA.userSocketCount('u1')).toBe(1);
  });

  it('applies its own joins, leaves and session closes at once while the bus delivers nothing', async () => {
    const { nodeA, busA } = twoNodes();
    const phone = socket('p', 'u1', 's-phone');
    const laptop = socket('l', 'u1', 's-laptop');
    await nodeA.attach(phone, []);
    await nodeA.attach(laptop, []);
    busA.dropPublishes = true;

    nodeA.joinConversation('u1', 'c1');
    await flush(); // the new topic's subscription settles (the bus itself is only not delivering)
    nodeA.publishToConversation('c1', chatMessage('c1', 1));
    expect(phone.sent).toEqual([encodeFrame(chatMessage('c1', 1))]);
    nodeA.leaveConversation('u1', 'c1');
    nodeA.publishToConversation('c1', chatMessage('c1', 2));
    expect(phone.sent).toHaveLength(1);

    nodeA.closeSession('s-phone', CLOSE_CODES.unauthorized.code, 'signed_out');
    expect(phone.closed).toEqual({ code: CLOSE_CODES.unauthorized.code, reason: 'signed_out' });
    expect(laptop.closed).toBeUndefined();
  });

  it('never delivers its own publishes twice when the bus hands them back, and others still get them once', async () => {
    const { nodeA, nodeB } = twoNodes();
    const a = socket('a', 'u1');
    const b = socket('b', 'u2');
    await nodeA.attach(a, ['c1']);
    await nodeB.attach(b, ['c1']);
    nodeA.joinConversation('u1', 'c2');
    for (let seq = 1; seq <= 3; seq += 1) nodeA.publishToConversation('c1', chatMessage('c1', seq));
    nodeA.publishToUser('u1', conversationChanged('c2'));
    await flush();
    await flush();
    const expected = [1, 2, 3].map((seq) => encodeFrame(chatMessage('c1', seq)));
    expect(a.sent).toEqual([...expected, encodeFrame(conversationChanged('c2'))]);
    expect(b.sent).toEqual(expected);
    expect(nodeA.stats()).toMatchObject({ published: 4, delivered: 4 });
    expect(nodeB.stats()).toMatchObject({ published: 0, delivered: 3 });
  });

  it('sends a frame for a socket on this node straight to it, without the bus', async () => {
    const { nodeA, busA } = twoNodes();
    await nodeA.attach(socket('a', 'u1'), []);
    nodeA.publishToSocket('a', conversationChanged('c1'));
    expect(busA.published.filter((p) => p.topic === topics.socket('a'))).toEqual([]);
  });
});

describe('hub: after a bus outage, sockets are told what to re-sync', () => {
  it('tells every local socket to re-sync all its conversations when the subscriptions were lost', async () => {
    const { nodeB, busB } = twoNodes();
    const b1 = socket('b1', 'u1');
    const b2 = socket('b2', 'u2');
    const idle = socket('b3', 'u3');
    await nodeB.attach(b1, ['c1', 'c2']);
    await nodeB.attach(b2, ['c2']);
    await nodeB.attach(idle, []);

    busB.simulateRecovery({ lostSubscriptions: true, droppedTopics: [] });

    expect(b1.sent).toEqual([resync('c1', 'c2')]);
    expect(b2.sent).toEqual([resync('c2')]);
    expect(idle.sent).toEqual([]); // no conversation, nothing to re-sync
    expect(nodeB.stats().resyncs).toBe(2);
  });

  it('announces a re-sync of the conversations whose publishes it dropped, to the other nodes only', async () => {
    const { nodeA, nodeB, busA, logger } = twoNodes();
    const a = socket('a', 'u1');
    const b = socket('b', 'u2');
    const elsewhere = socket('b2', 'u3');
    await nodeA.attach(a, ['c1']);
    await nodeB.attach(b, ['c1']);
    await nodeB.attach(elsewhere, ['c2']);

    busA.simulateRecovery({ lostSubscriptions: false, droppedTopics: [topics.conversation('c1'), topics.user('u2')] });
    await flush();

    expect(b.sent).toEqual([resync('c1')]);
    expect(a.sent).toEqual([]); // it had the frames directly
    expect(elsewhere.sent).toEqual([]);
    expect(logger.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('stops listening for recoveries once closed', async () => {
    const { nodeB, busB } = twoNodes();
    const b = socket('b', 'u1');
    await nodeB.attach(b, ['c1']);
    await nodeB.close();
    busB.simulateRecovery({ lostSubscriptions: true, droppedTopics: [] });
    expect(b.sent).toEqual([]);
  });
});

describe('hub: durable revocation applied on this node only', () => {
  it('puts a user in or out of a conversation here, says which sockets changed, and sends nothing on the bus', async () => {
    const { nodeA, nodeB, busA } = twoNodes();
    const phone = socket('p', 'u1');
    const laptop = socket('l', 'u1');
    const elsewhere = socket('e', 'u1');
    await nodeA.attach(phone, ['c1']);
    await nodeA.attach(laptop, []);
    await nodeB.attach(elsewhere, ['c1']);
    const published = busA.published.length;

    expect(nodeA.setMembershipLocally('u1', 'c1', false).sort()).toEqual(['p']);
    expect(nodeA.setMembershipLocally('u1', 'c1', false)).toEqual([]); // already out: nothing changes
    nodeA.publishToConversation('c1', chatMessage('c1', 1));
    expect(phone.sent).toEqual([]);
    expect(nodeA.setMembershipLocally('u1', 'c2', true).sort()).toEqual(['l', 'p']);
    await flush();
    nodeA.publishToConversation('c2', chatMessage('c2', 1));
    expect(laptop.sent).toEqual([encodeFrame(chatMessage('c2', 1))]);
    // Only publishes went out, no control message: the other node decides for its own sockets.
    expect(busA.published.slice(published).map((p) => p.topic)).toEqual([topics.conversation('c1'), topics.conversation('c2')]);
    await flush();
    expect(elsewhere.sent).toEqual([encodeFrame(chatMessage('c1', 1))]);
  });

  it('closes one session here, and counts join and leave messages per user for readers of the database', async () => {
    const { nodeA, nodeB } = twoNodes();
    const phone = socket('p', 'u1', 's-phone');
    const laptop = socket('l', 'u1', 's-laptop');
    await nodeA.attach(phone, []);
    await nodeA.attach(laptop, []);
    expect(nodeA.hasSession('s-phone')).toBe(true);
    expect(nodeA.closeSessionLocally('s-phone', CLOSE_CODES.unauthorized.code, 'signed_out')).toBe(1);
    expect(phone.closed).toEqual({ code: CLOSE_CODES.unauthorized.code, reason: 'signed_out' });
    expect(laptop.closed).toBeUndefined();
    expect(nodeA.hasSession('s-phone')).toBe(false);
    expect(nodeA.hasUser('u1')).toBe(true);

    const before = nodeA.membershipVersion('u1');
    nodeB.joinConversation('u1', 'c1'); // from another node, through the bus
    await flush();
    expect(nodeA.membershipVersion('u1')).toBe(before + 1);
    nodeA.setMembershipLocally('u1', 'c1', false); // the reader's own applies do not count
    expect(nodeA.membershipVersion('u1')).toBe(before + 1);
  });
});

describe('hub: a bus slow to confirm subscriptions does not hold a socket back', () => {
  it('goes live after attachWaitMs, and tells the socket to re-sync once its subscriptions settle', async () => {
    const shared = createInProcessBus();
    const bus = createSpyBus(shared);
    const hub = createHub({ bus, logger: createRecordingLogger(), attachWaitMs: 20 });
    const phone = socket('p', 'u1');
    bus.holdSubscribes = true; // a frozen Redis: SUBSCRIBE sent, no answer
    await hub.attach(phone, ['c1', 'c2']);
    expect(hub.hasSocket('p')).toBe(true);
    hub.publishToConversation('c1', chatMessage('c1', 1)); // local delivery works meanwhile
    expect(phone.sent).toEqual([encodeFrame(chatMessage('c1', 1))]);

    await bus.releaseSubscribes();
    await flush();
    expect(phone.sent.slice(1)).toEqual([resync('c1', 'c2')]);
    expect(hub.stats().resyncs).toBe(1);
  });
});
