import { describe, expect, it } from 'vitest';
import { conversation, message, ME } from '../testing/fixtures.ts';
import type { ConversationSummary } from './api-types.ts';
import { applyLiveMessage } from './conversation-list.ts';
import { addLoaded, FIRST_PAGE, loadConversationPages, NEXT_PAGE, settleLoaded, withConversation, type PageCursor } from './conversation-pages.ts';

/** `count` conversations, newest activity first, one minute apart. */
const many = (count: number): ConversationSummary[] =>
  Array.from({ length: count }, (_, i) => conversation(`c${i}`, { lastSeq: 1, lastActivityAt: new Date(Date.UTC(2026, 0, 1) - i * 60_000).toISOString() }));

/** Pages as the server cuts them (lastActivityAt descending, then id): what `before` means. */
const serverOf = (all: ConversationSummary[]) => {
  const calls: Array<{ limit: number; before: PageCursor | undefined }> = [];
  const fetchPage = (limit: number, before: PageCursor | undefined) => {
    calls.push({ limit, before });
    const start = before === undefined ? 0 : all.findIndex((c) => c.id === before.id) + 1;
    return Promise.resolve(all.slice(start, start + limit));
  };
  return { calls, fetchPage };
};

describe('loadConversationPages', () => {
  it('reads a small first page, then the rest in full pages after the last one seen, handing over each', async () => {
    const all = many(FIRST_PAGE + NEXT_PAGE + 30);
    const server = serverOf(all);
    const shown: number[] = [];
    const loaded = await loadConversationPages(server.fetchPage, (soFar) => shown.push(soFar.length));
    expect(loaded.map((c) => c.id)).toEqual(all.map((c) => c.id));
    expect(server.calls.map((c) => c.limit)).toEqual([FIRST_PAGE, NEXT_PAGE, NEXT_PAGE]);
    expect(server.calls[1]?.before).toEqual({ lastActivityAt: all[FIRST_PAGE - 1]!.lastActivityAt, id: all[FIRST_PAGE - 1]!.id });
    // Handed over after every full page; the short last page is the result itself.
    expect(shown).toEqual([FIRST_PAGE, FIRST_PAGE + NEXT_PAGE]);
  });

  it('keeps a conversation that shows on two pages once, with its later seq', async () => {
    const all = many(FIRST_PAGE + 5);
    // c3's activity changed between the two reads: the second page shows it again, newer.
    const again = { ...all[3]!, lastSeq: 9 };
    let call = 0;
    const loaded = await loadConversationPages(
      (limit) => Promise.resolve(call++ === 0 ? all.slice(0, limit) : [...all.slice(FIRST_PAGE, FIRST_PAGE + 2), again, ...all.slice(FIRST_PAGE + 2)]),
      () => undefined,
    );
    expect(loaded).toHaveLength(all.length);
    expect(new Set(loaded.map((c) => c.id)).size).toBe(all.length);
    expect(loaded.find((c) => c.id === 'c3')?.lastSeq).toBe(9);
  });

  it('asks once when everything fits the first page, and once more when it fits exactly', async () => {
    const few = serverOf(many(3));
    expect(await loadConversationPages(few.fetchPage, () => undefined)).toHaveLength(3);
    expect(few.calls).toHaveLength(1);
    const exact = serverOf(many(FIRST_PAGE));
    expect(await loadConversationPages(exact.fetchPage, () => undefined)).toHaveLength(FIRST_PAGE);
    expect(exact.calls.map((c) => c.limit)).toEqual([FIRST_PAGE, NEXT_PAGE]);
  });
});

describe('addLoaded and settleLoaded', () => {
  it('never shrinks the list while pages arrive, and keeps a later seq a live event brought', () => {
    const held = many(5);
    const live = applyLiveMessage(held, message(2, { conversationId: 'c3', body: 'newest' }), { meId: ME }).list;
    const firstPage = many(2);
    const shown = addLoaded(live, firstPage);
    expect(shown).toHaveLength(5);
    expect(shown[0]).toMatchObject({ id: 'c3', lastSeq: 2 });
  });

  it('drops what no page had (left, removed), but not a conversation a live event moved up meanwhile', () => {
    const atStart = many(4);
    // While the pages were read: c2 got a message (it moved above the pages already read), and
    // c9 is new to us (learnt with conversations.get). c3 is on no page: we left it.
    const fetched = [atStart[0]!, atStart[1]!];
    let cached = applyLiveMessage(atStart, message(2, { conversationId: 'c2', body: 'moved up', createdAt: '2026-01-02T00:00:00.000Z' }), { meId: ME }).list;
    cached = withConversation(cached, conversation('c9', { lastSeq: 7, lastActivityAt: '2026-01-03T00:00:00.000Z' }));
    expect(settleLoaded(cached, fetched, atStart).map((c) => c.id)).toEqual(['c9', 'c2', 'c0', 'c1']);
    // With nothing touched while reading, the pages are the truth.
    expect(settleLoaded(atStart, fetched, atStart).map((c) => c.id)).toEqual(['c0', 'c1']);
  });

  it('puts a conversation learnt on its own where its activity places it, once', () => {
    const list = many(3);
    const learnt = conversation('c1', { lastSeq: 4, lastActivityAt: '2026-02-01T00:00:00.000Z' });
    const next = withConversation(list, learnt);
    expect(next.map((c) => c.id)).toEqual(['c1', 'c0', 'c2']);
    expect(next.find((c) => c.id === 'c1')?.lastSeq).toBe(4);
  });
});
