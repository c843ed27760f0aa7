import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { afterEach, describe, expect, it } from 'vitest';
import { conversation } from '../testing/fixtures.ts';
import type { ConversationSummary } from './api-types.ts';
import { FIRST_PAGE, NEXT_PAGE, type PageCursor } from './conversation-pages.ts';
import { createListSync, readWholeList } from './list-sync.ts';
import { queryKeys } from './query-keys.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

/**
 * A server's conversation list, in its order (activity descending, then id). Pages can be held
 * back (`hold`) so a test can act while the list is being read.
 */
function fakeServer(count: number) {
  let rows = Array.from({ length: count }, (_, i) => conversation(`c${i}`, { lastSeq: 1, lastActivityAt: at(10_000 - i) }));
  const limits: number[] = [];
  const gets: string[] = [];
  let gate: Promise<void> | undefined;
  const sorted = () => [...rows].sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt) || a.id.localeCompare(b.id));
  return {
    limits,
    gets,
    /** The next pages wait until the returned function is called. */
    hold(): () => void {
      let open!: () => void;
      gate = new Promise((resolve) => (open = resolve));
      return () => {
        gate = undefined;
        open();
      };
    },
    async fetchPage(limit: number, before: PageCursor | undefined): Promise<ConversationSummary[]> {
      limits.push(limit);
      const all = sorted();
      const start = before === undefined ? 0 : all.findIndex((c) => c.lastActivityAt < before.lastActivityAt || (c.lastActivityAt === before.lastActivityAt && c.id > before.id));
      const page = start < 0 ? [] : all.slice(start, start + limit);
      await gate;
      return page;
    },
    async fetchOne(id: string): Promise<ConversationSummary> {
      gets.push(id);
      await Promise.resolve();
      const found = rows.find((c) => c.id === id);
      if (found === undefined) throw new TRPCClientError('Not a member', { result: { error: { data: { code: 'FORBIDDEN' } } } } as never);
      return found;
    },
    /** Something happened in `id` (a message, a membership): it moves to the top. */
    touch(id: string, minute: number) {
      const old = rows.find((c) => c.id === id);
      rows = [...rows.filter((c) => c.id !== id), conversation(id, { lastSeq: (old?.lastSeq ?? 0) + 1, lastActivityAt: at(minute) })];
    },
    remove(id: string) {
      rows = rows.filter((c) => c.id !== id);
    },
  };
}

const clients: QueryClient[] = [];
afterEach(() => clients.splice(0).forEach((c) => c.clear()));

/** A query client with the list query mounted (an observer, as the sidebar is). */
function mount(server: ReturnType<typeof fakeServer>, options: { helloFirst?: boolean } = {}) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  clients.push(queryClient);
  const sync = createListSync({ queryClient, fetchPage: (l, b) => server.fetchPage(l, b), fetchOne: (id) => server.fetchOne(id) });
  // The socket's first hello_ok before the list is even mounted (nothing read, nothing reading).
  if (options.helloFirst === true) sync.ready();
  const observer = new QueryObserver(queryClient, {
    queryKey: queryKeys.conversations,
    queryFn: ({ signal }) => readWholeList(queryClient, (limit, before) => server.fetchPage(limit, before), signal),
  });
  const unsubscribe = observer.subscribe(() => undefined);
  clients.push({ clear: unsubscribe } as unknown as QueryClient);
  const ids = () => queryClient.getQueryData<ConversationSummary[]>(queryKeys.conversations)?.map((c) => c.id);
  const settled = async () => {
    for (let i = 0; i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (queryClient.isFetching() === 0) return;
    }
    throw new Error('the list never settled');
  };
  return { queryClient, sync, ids, settled };
}

describe('createListSync', () => {
  it('a burst of membership changes while the list is read never restarts the read: one get each', async () => {
    const server = fakeServer(FIRST_PAGE + 100);
    const release = server.hold();
    const app = mount(server);
    await new Promise((resolve) => setTimeout(resolve, 1));
    // Added to twenty groups while the first page is on its way.
    for (let i = 0; i < 20; i++) {
      server.touch(`new${i}`, 20_000 + i);
      app.sync.learn(`new${i}`);
    }
    release();
    await app.settled();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(server.limits).toEqual([FIRST_PAGE, NEXT_PAGE]);
    expect(server.gets).toHaveLength(20);
    expect(app.ids()).toHaveLength(FIRST_PAGE + 100 + 20);
    expect(app.ids()?.[0]).toBe('new19');
  });

  it('after the first hello, reads the top down to what is unchanged, and finds what moved meanwhile', async () => {
    const server = fakeServer(FIRST_PAGE + NEXT_PAGE + 10);
    const release = server.hold();
    const app = mount(server);
    await new Promise((resolve) => setTimeout(resolve, 1));
    release();
    // The first page is read; before the socket is subscribed, someone adds us to a group.
    await new Promise((resolve) => setTimeout(resolve, 1));
    server.touch('late', 20_000);
    app.sync.ready();
    await app.settled();
    await new Promise((resolve) => setTimeout(resolve, 5));
    // The whole read was not restarted; one more first page found the group and stopped there.
    expect(server.limits).toEqual([FIRST_PAGE, NEXT_PAGE, NEXT_PAGE, FIRST_PAGE]);
    expect(app.ids()?.[0]).toBe('late');
    expect(app.ids()).toHaveLength(FIRST_PAGE + NEXT_PAGE + 11);
  });

  it('a first hello before anything is read costs nothing; a later one (a reconnect) reads the whole list', async () => {
    const server = fakeServer(30);
    const app = mount(server);
    await app.settled();
    expect(server.limits).toEqual([FIRST_PAGE]);
    app.sync.ready();
    await app.settled();
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Everything fit the first page, all unchanged: the top read asked once.
    expect(server.limits).toEqual([FIRST_PAGE, FIRST_PAGE]);
    // While away we were removed from c3: only a whole read shows it.
    server.remove('c3');
    app.sync.ready();
    await app.settled();
    expect(server.limits).toEqual([FIRST_PAGE, FIRST_PAGE, FIRST_PAGE]);
    expect(app.ids()).not.toContain('c3');
    expect(app.ids()).toHaveLength(29);

    const small = fakeServer(3);
    const fresh = mount(small, { helloFirst: true });
    await fresh.settled();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fresh.ids()).toHaveLength(3);
    // The hello came before the list's first read had started: that read alone, nothing after it.
    expect(small.limits).toEqual([FIRST_PAGE]);
  });

  it('a removal during a read stays removed, although a page read before it held the conversation', async () => {
    const server = fakeServer(FIRST_PAGE + 20);
    const app = mount(server);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const release = server.hold();
    // c2 was on the first page; we are removed from it while the second is on its way.
    await new Promise((resolve) => setTimeout(resolve, 1));
    server.remove('c2');
    app.sync.drop('c2');
    expect(app.ids()).not.toContain('c2');
    release();
    await app.settled();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await app.settled();
    expect(app.ids()).not.toContain('c2');
    expect(app.ids()).toHaveLength(FIRST_PAGE + 19);
  });

  it('a conversation we are not in after all leaves the list; a change during its read reads it again', async () => {
    const server = fakeServer(5);
    const app = mount(server);
    await app.settled();
    // A `conversation_changed` for c1, but we were removed again before the get answered.
    server.remove('c1');
    app.sync.learn('c1');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(app.ids()).not.toContain('c1');
    // Two changes to c0 in a row: the second answer is the one kept.
    app.sync.learn('c0');
    server.touch('c0', 30_000);
    app.sync.learn('c0');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(server.gets.filter((id) => id === 'c0')).toHaveLength(2);
    expect(app.queryClient.getQueryData<ConversationSummary[]>(queryKeys.conversations)?.[0]).toMatchObject({ id: 'c0', lastSeq: 2 });
  });
});
