import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Db } from '@parley/db';
import type { KnownEvent } from '@parley/protocol';
import { createPushService } from './push-service.ts';
import type { PushTransport } from './push-transport.ts';
import { createWorkQueue } from './work-queue.ts';

const CONVERSATION = '3c9b1f2e-7a44-4d0b-8c1e-5f6a7b8c9d0e';
const SENDER = '8f14e45f-ceea-4e7a-9f6b-2b1c0d3e4a51';

function textEvent(seq: number): KnownEvent {
  const createdAt = new Date(0).toISOString();
  return {
    kind: 'message_created', conversationId: CONVERSATION, seq, actorId: SENDER, createdAt,
    message: {
      id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`, conversationId: CONVERSATION, seq, senderId: SENDER,
      clientId: `c-${seq}-xyzw`, kind: 'text', body: `m${seq}`, replyTo: null, mentions: [], editedAt: null, deletedAt: null, reactions: [], createdAt,
    },
  };
}

/** A database that answers "no subscription anywhere" and counts every statement. */
function countingDb() {
  const statements: string[] = [];
  const db = {
    pool: {
      query: async (sql: string) => {
        statements.push(sql);
        if (sql.includes('EXISTS (SELECT 1 FROM push_subscriptions)')) return { rows: [{ any: false }] };
        // The lookup of a conversation that does not exist: nothing to send.
        return { rows: [] };
      },
    },
  } as unknown as Db;
  return { db, statements };
}

const transport: PushTransport = { send: async () => ({ outcome: 'sent', status: 201 }) };

async function service(db: Db) {
  return createPushService({
    db, logger: pino({ level: 'silent' }), transport, publicKey: 'k', endpoints: { hosts: [], allowLoopback: false },
    lookupConcurrency: 2, sendConcurrency: 4, maxQueued: 100, ringTimeoutMs: 30_000,
  });
}

describe('push service', () => {
  it('with no subscription anywhere, a committed message costs no query and no queued job', async () => {
    const { db, statements } = countingDb();
    const push = await service(db);
    expect(statements).toHaveLength(1); // the start-up check
    const events = Array.from({ length: 100_000 }, (_, i) => textEvent(i + 1));
    for (const event of events) push.eventCommitted(event);
    await push.idle();
    // What keeps it cheap on the write path, asserted without a clock: no query, no job.
    expect(statements).toHaveLength(1);
    expect(push.stats()).toMatchObject({ queued: 0, dropped: 0 });
    await push.close();
  });

  it('a subscription made on this node turns the lookups on at once', async () => {
    const { db, statements } = countingDb();
    const push = await service(db);
    push.subscribed();
    push.eventCommitted(textEvent(1));
    // Never inside the caller's stack: nothing has run yet.
    expect(statements).toHaveLength(1);
    await push.idle();
    expect(statements.length).toBeGreaterThan(1);
    await push.close();
  });
});

describe('work queue', () => {
  it('runs at most `concurrency` jobs at once, drops past `maxQueued`, and survives failing jobs', async () => {
    let running = 0;
    let peak = 0;
    const errors: unknown[] = [];
    const queue = createWorkQueue<number>({
      concurrency: 2,
      maxQueued: 3,
      run: async (n) => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        if (n === 2) throw new Error('boom');
      },
      onError: (error) => errors.push(error),
    });
    const accepted = [1, 2, 3, 4, 5].map((n) => queue.offer(n));
    expect(accepted).toEqual([true, true, true, false, false]);
    expect(queue.dropped).toBe(2);
    await queue.idle();
    expect(peak).toBe(2);
    expect(errors).toHaveLength(1);
    expect(queue.offer(6)).toBe(true);
    await queue.close();
    expect(queue.offer(7)).toBe(false);
  });
});
