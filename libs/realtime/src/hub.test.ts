import { CLOSE_CODES, encodeFrame } from '@parley/protocol';
import type * as Protocol from '@parley/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInProcessBus } from './bus.ts';
import { unwrapPayload } from './bus-envelope.ts';
import { createHub } from './hub.ts';
import { createFakeSocket } from './testing/fake-socket.ts';
import { chatMessage, conversationChanged } from './testing/frames.ts';
import { createRecordingLogger, flush } from './testing/recording-logger.ts';
import { createSpyBus } from './testing/spy-bus.ts';
import { topics } from './topics.ts';

// Count encodes: the hub must serialize each frame once, however many sockets receive it.
vi.mock('@parley/protocol', async (importOriginal) => {
  const actual = await importOriginal<typeof Protocol>();
  return { ...actual, encodeFrame: vi.fn(actual.encodeFrame) };
});

const MAX_BUFFERED_BYTES = 1024;

function setup() {
  const logger = createRecordingLogger();
  const bus = createSpyBus(createInProcessBus({ logger }));
  const hub = createHub({ bus, logger, maxBufferedBytes: MAX_BUFFERED_BYTES });
  const socket = (id: string, userId: string, sessionId = `s-${userId}`) => createFakeSocket({ id, userId, sessionId });
  return { logger, bus, hub, socket };
}

afterEach(() => vi.mocked(encodeFrame).mockClear());

describe('hub on one node', () => {
  it('fans a conversation frame out to exactly its sockets, encoded once, same string to each', async () => {
    const { bus, hub, socket } = setup();
    const a = socket('a', 'u1');
    const a2 = socket('a2', 'u1', 's-u1-phone');
    const b = socket('b', 'u2');
    const outsider = socket('c', 'u3');
    await hub.attach(a, ['c1', 'c2']);
    await hub.attach(a2, ['c1']);
    await hub.attach(b, ['c1']);
    await hub.attach(outsider, ['c2']);

    hub.publishToConversation('c1', chatMessage('c1', 1));
    await flush();

    expect(encodeFrame).toHaveBeenCalledTimes(1);
    const onTopic = bus.published.filter((p) => p.topic === topics.conversation('c1'));
    expect(onTopic).toHaveLength(1);
    const payload = unwrapPayload(onTopic[0]!.payload)?.payload;
    expect(payload).toBe(encodeFrame(chatMessage('c1', 1)));
    for (const s of [a, a2, b]) expect(s.sent).toEqual([payload]);
    // Encoded to UTF-8 once too: the very same bytes go to each socket.
    expect(a2.sentRaw[0]).toBeInstanceOf(Buffer);
    expect(a2.sentRaw[0]).toBe(a.sentRaw[0]);
    expect(b.sentRaw[0]).toBe(a.sentRaw[0]);
    expect(outsider.sent).toEqual([]);
    expect(hub.stats()).toMatchObject({ sockets: 4, users: 3, conversations: 2, published: 1, delivered: 3 });
  });

  it('keeps publish order within a conversation', async () => {
    const { hub, socket } = setup();
    const a = socket('a', 'u1');
    await hub.attach(a, ['c1']);
    for (let seq = 1; seq <= 5; seq += 1) hub.publishToConversation('c1', chatMessage('c1', seq));
    await flush();
    expect(a.sent.map((s) => (JSON.parse(s) as { event: { seq: number } }).event.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('publishToUser reaches every socket of that user and nobody else', async () => {
    const { hub, socket } = setup();
    const laptop = socket('a', 'u1', 's1');
    const phone = socket('b', 'u1', 's2');
    const other = socket('c', 'u2');
    for (const s of [laptop, phone, other]) await hub.attach(s, []);
    hub.publishToUser('u1', conversationChanged('c9'));
    await flush();
    const expected = encodeFrame(conversationChanged('c9'));
    expect(laptop.sent).toEqual([expected]);
    expect(phone.sent).toEqual([expected]);
    expect(other.sent).toEqual([]);
  });

  it('subscribes a topic once per node and unsubscribes it when the last local socket leaves', async () => {
    const { bus, hub, socket } = setup();
    const conv = topics.conversation('c1');
    await hub.attach(socket('a', 'u1'), ['c1']);
    await hub.attach(socket('b', 'u2'), ['c1']);
    await hub.attach(socket('c', 'u1', 's-other'), ['c1']);
    expect(bus.subscriptions(conv)).toBe(1);
    expect(bus.subscriptions(topics.user('u1'))).toBe(1);

    await hub.detach('a');
    await hub.detach('b');
    expect(bus.subscriptions(conv)).toBe(1);
    expect(bus.subscriptions(topics.user('u2'))).toBe(0);
    await hub.detach('c');
    await hub.detach('c'); // idempotent
    expect(bus.liveTopics()).toEqual([]);
    expect(hub.stats()).toMatchObject({ sockets: 0, users: 0, conversations: 0 });
  });

  it('does not subscribe twice when sockets attach concurrently', async () => {
    const { bus, hub, socket } = setup();
    await Promise.all([hub.attach(socket('a', 'u1'), ['c1']), hub.attach(socket('b', 'u1'), ['c1'])]);
    expect(bus.subscriptions(topics.conversation('c1'))).toBe(1);
    expect(bus.subscriptions(topics.user('u1'))).toBe(1);
  });

  it('never delivers twice while an old subscription is still being torn down', async () => {
    const { bus, hub, socket } = setup();
    bus.holdUnsubscribes = true;
    await hub.attach(socket('a', 'u1'), ['c1']);
    const detached = hub.detach('a'); // last socket: UNSUBSCRIBE is now in flight
    const b = socket('b', 'u2');
    await hub.attach(b, ['c1']); // first socket again: a second subscription goes live
    expect(bus.subscriptions(topics.conversation('c1'))).toBe(2);

    hub.publishToConversation('c1', chatMessage('c1', 1));
    await flush();
    expect(b.sent).toHaveLength(1);

    await bus.releaseUnsubscribes();
    await detached;
    expect(bus.subscriptions(topics.conversation('c1'))).toBe(1);
  });

  it('closes a slow consumer with slow_consumer (4008) and keeps serving the others', async () => {
    const { hub, socket } = setup();
    const slow = socket('slow', 'u1');
    const fine = socket('fine', 'u2');
    await hub.attach(slow, ['c1']);
    await hub.attach(fine, ['c1']);
    slow.bufferedAmount = MAX_BUFFERED_BYTES + 1;

    hub.publishToConversation('c1', chatMessage('c1', 1));
    hub.publishToConversation('c1', chatMessage('c1', 2));
    await flush();

    expect(slow.closed).toEqual({ code: CLOSE_CODES.slow_consumer.code, reason: 'slow_consumer' });
    expect(slow.closed?.code).toBe(4008);
    expect(slow.sent).toEqual([]);
    expect(fine.sent).toHaveLength(2);
    expect(hub.stats()).toMatchObject({ sockets: 1, slowConsumerCloses: 1, delivered: 2 });
    await hub.detach('slow'); // the gateway's close handler: already gone, no-op
  });

  it('knows which sockets are attached here: not before attach, nor after detach or a hub close', async () => {
    const { hub, socket } = setup();
    expect(hub.hasSocket('a')).toBe(false);
    await hub.attach(socket('a', 'u1'), ['c1']);
    const slow = socket('slow', 'u2');
    await hub.attach(slow, ['c1']);
    expect([hub.hasSocket('a'), hub.hasSocket('slow')]).toEqual([true, true]);
    slow.bufferedAmount = MAX_BUFFERED_BYTES + 1;
    hub.publishToConversation('c1', chatMessage('c1', 1));
    await flush();
    expect(hub.hasSocket('slow')).toBe(false);
    await hub.detach('a');
    expect(hub.hasSocket('a')).toBe(false);
  });

  it('sends while bufferedAmount is at the limit, not over it', async () => {
    const { hub, socket } = setup();
    const s = socket('a', 'u1');
    s.bufferedAmount = MAX_BUFFERED_BYTES;
    await hub.attach(s, ['c1']);
    hub.publishToConversation('c1', chatMessage('c1', 1));
    await flush();
    expect(s.sent).toHaveLength(1);
    expect(s.closed).toBeUndefined();
  });

  it('a socket whose send throws does not stop delivery to the others', async () => {
    const { hub, socket, logger } = setup();
    const broken = socket('a', 'u1');
    const before = socket('b', 'u2');
    const after = socket('c', 'u3');
    await hub.attach(before, ['c1']);
    await hub.attach(broken, ['c1']);
    await hub.attach(after, ['c1']);
    broken.failSend = true;
    hub.publishToConversation('c1', chatMessage('c1', 1));
    await flush();
    expect(before.sent).toHaveLength(1);
    expect(after.sent).toHaveLength(1);
    expect(hub.stats().delivered).toBe(2);
    expect(logger.entries).toMatchObject([{ level: 'warn', msg: 'socket send failed', obj: { socketId: 'a' } }]);
  });

  it('joinConversation subscribes the user sockets; leaveConversation unsubscribes them', async () => {
    const { bus, hub, socket } = setup();
    const a = socket('a', 'u1');
    const b = socket('b', 'u2');
    await hub.attach(a, []);
    await hub.attach(b, []);
    hub.joinConversation('u1', 'c1');
    await flush();
    expect(bus.subscriptions(topics.conversation('c1'))).toBe(1);
    hub.publishToConversation('c1', chatMessage('c1', 1));
    await flush();
    expect(a.sent).toHaveLength(1);
    expect(b.sent).toEqual([]);

    hub.leaveConversation('u1', 'c1');
    await flush();
    expect(bus.subscriptions(topics.conversation('c1'))).toBe(0);
    hub.publishToConversation('c1', chatMessage('c1', 2));
    await flush();
    expect(a.sent).toHaveLength(1);
  });

  it('drops bad control payloads with a warning, without throwing, and keeps working', async () => {
    const { bus, hub, socket, logger } = setup();
    const a = socket('a', 'u1');
    await hub.attach(a, []);
    const bad = [
      'not json',
      '{}',
      'null',
      JSON.stringify({ v: 2, op: 'join', userId: 'u1', conversationId: 'c1' }),
      JSON.stringify({ v: 1, op: 'explode', userId: 'u1' }),
      JSON.stringify({ v: 1, op: 'join', userId: 'u1', conversationId: '' }),
      // Well-formed, but for another user than the topic's: must not act on u1's sockets.
      JSON.stringify({ v: 1, op: 'join', userId: 'u2', conversationId: 'c1' }),
    ];
    for (const payload of bad) bus.publish(topics.userControl('u1'), payload);
    bus.publish(topics.session('s-u1'), JSON.stringify({ v: 1, op: 'close_session', sessionId: 's-u1', code: 1005, reason: 'x' }));
    bus.publish(topics.session('s-u1'), JSON.stringify({ v: 1, op: 'close_session', sessionId: 's-u1', code: 1000, reason: 'x'.repeat(124) }));
    await flush();

    expect(logger.entries).toHaveLength(bad.length + 2);
    expect(logger.entries.every((e) => e.level === 'warn')).toBe(true);
    expect(a.closed).toBeUndefined();
    expect(hub.stats().conversations).toBe(0);

    hub.joinConversation('u1', 'c1');
    await flush();
    expect(hub.stats().conversations).toBe(1);
  });

  it('refuses to send a control message no node would accept', () => {
    const { hub } = setup();
    expect(() => hub.closeSession('s1', 1005, 'bye')).toThrow();
  });

  it('rolls an attach back when the bus cannot subscribe, and retries on the next attach', async () => {
    const { bus, hub, socket } = setup();
    bus.failSubscribe = true;
    await expect(hub.attach(socket('a', 'u1'), ['c1'])).rejects.toThrow('broker unavailable');
    expect(hub.stats()).toMatchObject({ sockets: 0, users: 0, conversations: 0 });
    bus.failSubscribe = false;
    const b = socket('b', 'u1');
    await hub.attach(b, ['c1']);
    hub.publishToConversation('c1', chatMessage('c1', 1));
    await flush();
    expect(b.sent).toHaveLength(1);
  });

  it('closes sockets with internal (1011) when a join cannot subscribe, so a reconnect resubscribes', async () => {
    const { bus, hub, socket, logger } = setup();
    const a = socket('a', 'u1');
    await hub.attach(a, []);
    bus.failSubscribe = true;
    hub.joinConversation('u1', 'c1');
    await flush();
    expect(a.closed).toEqual({ code: CLOSE_CODES.internal.code, reason: 'subscribe_failed' });
    expect(hub.stats()).toMatchObject({ sockets: 0, conversations: 0 });
    expect(logger.entries).toMatchObject([{ level: 'error' }]);
  });

  it('closeAll closes every local socket with the given code and empties the registry', async () => {
    const { bus, hub, socket } = setup();
    const a = socket('a', 'u1');
    const b = socket('b', 'u2');
    await hub.attach(a, ['c1']);
    await hub.attach(b, []);
    hub.closeAll(CLOSE_CODES.service_restart.code, 'service_restart');
    await flush();
    expect(a.closed).toEqual({ code: 1012, reason: 'service_restart' });
    expect(b.closed).toEqual({ code: 1012, reason: 'service_restart' });
    expect(hub.stats().sockets).toBe(0);
    expect(bus.liveTopics()).toEqual([]);
  });

  it('close unsubscribes everything and refuses new sockets', async () => {
    const { bus, hub, socket } = setup();
    await hub.attach(socket('a', 'u1'), ['c1', 'c2']);
    expect(bus.liveTopics()).toHaveLength(6) // user, user-ctl, session, sock, c1, c2;
    await hub.close();
    expect(bus.liveTopics()).toEqual([]);
    await expect(hub.attach(socket('b', 'u2'), [])).rejects.toThrow('hub is closed');
  });

  it('rejects attaching the same socket id twice', async () => {
    const { hub, socket } = setup();
    await hub.attach(socket('a', 'u1'), []);
    await expect(hub.attach(socket('a', 'u1'), [])).rejects.toThrow('already attached');
  });
});
