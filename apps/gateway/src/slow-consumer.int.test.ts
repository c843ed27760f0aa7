import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES, type ChatEventFrame } from '@parley/protocol';
import { DEFAULT_MAX_BUFFERED_BYTES } from '@parley/realtime';
import { startHarness, type Harness, type TestUser } from './testing/harness.ts';
import { connectionIdOf, type TestSocket } from './testing/ws-client.ts';

// PROTOCOL.md §12: a socket with over 4 MiB waiting in its send buffer is closed with 4008.
// The limit is bytes on the wire. Two readers stop reading (their TCP sockets paused); one
// follows a conversation in Latin text, the other one in CJK (3 UTF-8 bytes per UTF-16 unit).
// Both must be cut after about the same number of bytes.

let h: Harness;
let alice: TestUser;
beforeAll(async () => {
  h = await startHarness();
  alice = await h.signUp('alice');
}, 60_000);
afterAll(() => h?.close());

const MiB = 1024 * 1024;
/** Loopback kernel buffers hold a few MiB that no server-side count sees; both readers have them. */
const TOLERANCE_BYTES = 2 * MiB;

async function pausedReader(handle: string): Promise<{ socket: TestSocket; conversationId: string }> {
  const reader = await h.signUp(handle);
  const opened = await h.trpc<{ conversationId: string }>('conversations.openDirect', { userId: reader.user.id }, { cookie: alice.cookie });
  const socket = await h.connect(reader);
  await socket.next('presence_snapshot');
  (socket.ws as unknown as { _socket: Socket })._socket.pause(); // stops reading: a slow consumer
  return { socket, conversationId: opened.data!.conversationId };
}

function message(conversationId: string, seq: number, body: string): ChatEventFrame {
  const createdAt = new Date().toISOString();
  const message = {
    id: randomUUID(), conversationId, seq, senderId: alice.user.id, clientId: `c${seq}`, kind: 'text' as const, body,
    replyTo: null, mentions: [], editedAt: null, deletedAt: null, reactions: [], createdAt,
  };
  return { type: 'chat_event', event: { kind: 'message_created', conversationId, seq, actorId: alice.user.id, createdAt, message } };
}

describe('slow consumers', () => {
  it('are cut at the same number of bytes whether the text is Latin or CJK', async () => {
    const latin = await pausedReader('latin');
    const cjk = await pausedReader('cjk');
    const hub = h.server.deps.hub;
    const ids = [latin, cjk].map((r) => connectionIdOf(r.socket));

    // Live fan-out, as fast as the hub takes it, until both are cut (bounded: 60 MiB of CJK).
    for (let seq = 1; ids.some((id) => hub.hasSocket(id)); seq += 1) {
      if (seq > 5_000) throw new Error('the slow consumers were never cut');
      hub.publishToConversation(latin.conversationId, message(latin.conversationId, seq, 'a'.repeat(4000)));
      hub.publishToConversation(cjk.conversationId, message(cjk.conversationId, seq, '漢'.repeat(4000)));
      if (seq % 20 === 0) await new Promise((resolve) => setImmediate(resolve)); // let the kernel take its share
    }

    // Everything written before the cut still arrives once they read again, then the close.
    for (const reader of [latin, cjk]) (reader.socket.ws as unknown as { _socket: Socket })._socket.resume();
    const closes = await Promise.all([latin.socket.closed, cjk.socket.closed]);
    expect(closes.map((c) => c.code)).toEqual([CLOSE_CODES.slow_consumer.code, CLOSE_CODES.slow_consumer.code]);
    const [latinBytes, cjkBytes] = [latin.socket.receivedBytes, cjk.socket.receivedBytes];
    console.info(`[faults] slow consumers cut after ${(latinBytes / MiB).toFixed(1)} MiB (Latin) and ${(cjkBytes / MiB).toFixed(1)} MiB (CJK) received`);
    expect(latinBytes).toBeGreaterThan(DEFAULT_MAX_BUFFERED_BYTES);
    expect(cjkBytes).toBeGreaterThan(DEFAULT_MAX_BUFFERED_BYTES);
    expect(Math.abs(cjkBytes - latinBytes)).toBeLessThan(TOLERANCE_BYTES);
  }, 60_000);
});
