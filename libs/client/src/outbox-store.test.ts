import { describe, expect, it } from 'vitest';
import { decideClaim, mayPut, type StoredOutboxEntry } from './outbox-store.ts';
import { CONVERSATION_A as A, CONVERSATION_B as B } from './testing/messages.ts';

const entry = (clientId: string, conversationId: string, order: number, owner: string, leaseUntil: number): StoredOutboxEntry => ({
  clientId,
  conversationId,
  action: { type: 'send', body: clientId },
  order,
  createdAt: order,
  owner,
  leaseUntil,
});

describe('decideClaim', () => {
  const now = 1_000;
  const request = { owner: 'me', now, leaseUntil: now + 20_000 };

  it('renews its own, adopts expired ones, and leaves those of live tabs', () => {
    const result = decideClaim([entry('mine', A, 1, 'me', 0), entry('expired', B, 2, 'gone', now), entry('live', B, 3, 'other', now + 1)], request);
    expect(result.mine.map((e) => [e.clientId, e.owner, e.leaseUntil])).toEqual([
      ['mine', 'me', now + 20_000],
      ['expired', 'me', now + 20_000],
    ]);
    expect(result.others.map((e) => e.clientId)).toEqual(['live']);
  });

  it('never adopts an entry behind an older one of the same conversation that a live tab holds', () => {
    const result = decideClaim([entry('newer', A, 2, 'gone', 0), entry('older', A, 1, 'other', now + 1), entry('elsewhere', B, 3, 'gone', 0)], request);
    expect(result.mine.map((e) => e.clientId)).toEqual(['elsewhere']);
    expect(result.others.map((e) => e.clientId)).toEqual(['older', 'newer']);
  });

  it('keeps its own entries even behind another tab’s (two tabs writing in one conversation)', () => {
    const result = decideClaim([entry('theirs', A, 1, 'other', now + 1), entry('mine', A, 2, 'me', now + 1)], request);
    expect(result.mine.map((e) => e.clientId)).toEqual(['mine']);
  });
});

describe('mayPut', () => {
  it('refuses to overwrite an entry another live tab holds', () => {
    const mine = entry('x', A, 1, 'me', 5_000);
    expect(mayPut(undefined, mine, 1_000)).toBe(true);
    expect(mayPut(entry('x', A, 1, 'me', 0), mine, 1_000)).toBe(true);
    expect(mayPut(entry('x', A, 1, 'other', 2_000), mine, 1_000)).toBe(false);
    expect(mayPut(entry('x', A, 1, 'other', 1_000), mine, 1_000)).toBe(true);
  });
});
