import type { ServerFrame } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createConversationCoalescer } from './conversation-coalescer.ts';
import { createReadStateAnnouncer } from './read-states.ts';

const C1 = 'c1';
const C2 = 'c2';

describe('createReadStateAnnouncer', () => {
  let sent: Array<[string, ServerFrame]>;
  const make = () => createReadStateAnnouncer({ publish: (c, f) => sent.push([c, f]), intervalMs: 250 });

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a lone read at once as read_state', () => {
    make().announce(C1, 'u1', 5);
    expect(sent).toEqual([[C1, { type: 'read_state', conversationId: C1, userId: 'u1', lastReadSeq: 5 }]]);
  });

  it('gathers the reads of one interval into one read_state_batch, one entry per reader at their highest position', () => {
    const reads = make();
    reads.announce(C1, 'u1', 5);
    reads.announce(C1, 'u2', 5);
    reads.announce(C1, 'u3', 4);
    reads.announce(C1, 'u2', 7);
    reads.announce(C1, 'u2', 6);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(249);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent[1]).toEqual([
      C1,
      {
        type: 'read_state_batch',
        conversationId: C1,
        readers: [
          { userId: 'u2', lastReadSeq: 7 },
          { userId: 'u3', lastReadSeq: 4 },
        ],
      },
    ]);
  });

  it('sends a single pending read as read_state, and is quiet again one interval after the last send', () => {
    const reads = make();
    reads.announce(C1, 'u1', 1);
    reads.announce(C1, 'u2', 1);
    vi.advanceTimersByTime(250);
    expect(sent[1]?.[1]).toEqual({ type: 'read_state', conversationId: C1, userId: 'u2', lastReadSeq: 1 });
    vi.advanceTimersByTime(250);
    reads.announce(C1, 'u3', 2);
    expect(sent).toHaveLength(3);
    expect(sent[2]?.[1]).toMatchObject({ type: 'read_state', userId: 'u3' });
  });

  it('paces each conversation on its own', () => {
    const reads = make();
    reads.announce(C1, 'u1', 1);
    reads.announce(C2, 'u1', 9);
    expect(sent.map(([c, f]) => [c, f.type])).toEqual([
      [C1, 'read_state'],
      [C2, 'read_state'],
    ]);
  });

  it('sends what is pending on close and stops its timers', () => {
    const reads = make();
    reads.announce(C1, 'u1', 1);
    reads.announce(C1, 'u2', 2);
    reads.announce(C1, 'u3', 3);
    reads.close();
    expect(sent[1]?.[1]).toMatchObject({ type: 'read_state_batch', readers: [{ userId: 'u2' }, { userId: 'u3' }] });
    vi.advanceTimersByTime(1_000);
    expect(sent).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('createConversationCoalescer with now', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends what waits at once, this entry included, and paces what follows from then', () => {
    const sent: Array<Array<readonly [string, string]>> = [];
    const coalescer = createConversationCoalescer<string>({ intervalMs: 250, send: (_c, entries) => sent.push([...entries]) });
    coalescer.add(C1, 'u1', 'start');
    coalescer.add(C1, 'u2', 'start');
    coalescer.add(C1, 'u1', 'stop', { now: true });
    expect(sent).toEqual([[['u1', 'start']], [['u2', 'start'], ['u1', 'stop']]]);
    coalescer.add(C1, 'u3', 'start');
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(250);
    expect(sent[2]).toEqual([['u3', 'start']]);
  });
});
