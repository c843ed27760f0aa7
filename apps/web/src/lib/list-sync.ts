import type { QueryClient } from '@tanstack/react-query';
import { isNetworkError } from './api-errors.ts';
import type { ConversationSummary } from './api-types.ts';
import { addLoaded, loadConversationPages, reachesUnchanged, settleLoaded, withConversation, withoutConversation, type FetchPage } from './conversation-pages.ts';
import { queryKeys } from './query-keys.ts';

export interface ListSyncDeps {
  queryClient: QueryClient;
  fetchPage: FetchPage;
  /** One conversation's summary (`conversations.get`). */
  fetchOne: (conversationId: string) => Promise<ConversationSummary>;
}

export interface ListSync {
  /** The socket reached hello_ok: the list may have moved before it was subscribed. */
  ready(): void;
  /** A live event of this conversation was folded into the list. */
  touched(conversationId: string): void;
  /** Added to it, or it changed (title, members): read that one conversation. */
  learn(conversationId: string): void;
  /** No longer a member: it leaves the list at once. */
  drop(conversationId: string): void;
}

const key = queryKeys.conversations;

/**
 * The list query's read: every page, each shown in the cache as it arrives (the app opens on
 * the first fifty while the rest load behind them), then settled against what live events
 * did meanwhile.
 */
export async function readWholeList(queryClient: QueryClient, fetchPage: FetchPage, signal: AbortSignal): Promise<ConversationSummary[]> {
  const cachedAtStart = queryClient.getQueryData<ConversationSummary[]>(key);
  const fetched = await loadConversationPages(fetchPage, (soFar) => {
    if (signal.aborted) return;
    queryClient.setQueryData<ConversationSummary[]>(key, (cached) => addLoaded(cached, soFar));
  });
  return settleLoaded(queryClient.getQueryData<ConversationSummary[]>(key), fetched, cachedAtStart);
}

/**
 * Keeps the cached conversation list right with as little reading as it takes. Each change
 * the socket announces costs one `conversations.get` (or nothing, for a removal), never the
 * whole list: a burst of them (added to twenty groups by a script) used to restart the list
 * read twenty times over. A reading under way is never cancelled; what it may have missed is
 * read after it. After a reconnect the whole list is read again (removals while away show no
 * other way); after the first hello only the top of it, down to what is unchanged.
 */
export function createListSync({ queryClient, fetchPage, fetchOne }: ListSyncDeps): ListSync {
  const setList = (update: (list: ConversationSummary[]) => ConversationSummary[]) =>
    queryClient.setQueryData<ConversationSummary[]>(key, (list) => (list === undefined ? list : update(list)));
  const fetching = () => queryClient.isFetching({ queryKey: key }) > 0;
  /** Resolves when the reading under way (if any) ends; it starts nothing new and cancels nothing. */
  const readingUnderWay = () => (fetching() ? queryClient.refetchQueries({ queryKey: key }, { cancelRefetch: false }) : Promise.resolve());

  let readies = 0;
  let touchedLive = new Set<string>();
  /** A catch-up waits for the reading under way; one more is asked for at most once. */
  let catchingUp = false;
  let wholeAgain = false;

  async function readTop(): Promise<void> {
    const enough = reachesUnchanged(queryClient.getQueryData<ConversationSummary[]>(key), touchedLive);
    const top = await loadConversationPages(fetchPage, (soFar) => setList((list) => addLoaded(list, soFar)), enough);
    setList((list) => addLoaded(list, top));
  }

  function catchUp(whole: boolean): void {
    if (catchingUp) {
      wholeAgain ||= whole;
      return;
    }
    if (whole && !fetching()) {
      void queryClient.invalidateQueries({ queryKey: key });
      return;
    }
    catchingUp = true;
    wholeAgain = whole;
    void readingUnderWay()
      .then(() => (wholeAgain ? queryClient.invalidateQueries({ queryKey: key }) : readTop()))
      // The network failed the top read: the whole list settles it when it can.
      .catch(() => queryClient.invalidateQueries({ queryKey: key }))
      .finally(() => {
        catchingUp = false;
      });
  }

  /** Per conversation being read: read it again after (it changed meanwhile), or drop the answer (removed). */
  const learning = new Map<string, { again: boolean; dropped: boolean }>();

  function learn(conversationId: string): void {
    const underWay = learning.get(conversationId);
    if (underWay !== undefined) {
      underWay.again = true;
      underWay.dropped = false;
      return;
    }
    const state = { again: false, dropped: false };
    learning.set(conversationId, state);
    fetchOne(conversationId)
      .then(async (conversation) => {
        // The list's first read is still on its way: the answer joins what it brings.
        if (queryClient.getQueryData(key) === undefined) await readingUnderWay();
        if (!state.again && !state.dropped) setList((list) => withConversation(list, conversation));
      })
      .catch((error: unknown) => {
        if (state.again || state.dropped) return;
        // Refused (not a member after all): not ours. The network: the whole list settles it.
        if (isNetworkError(error)) catchUp(true);
        else setList((list) => withoutConversation(list, conversationId));
      })
      .finally(() => {
        learning.delete(conversationId);
        if (state.again) learn(conversationId);
      });
  }

  return {
    ready() {
      readies += 1;
      touchedLive = new Set();
      // Nothing read and nothing reading: the list's first read starts after this hello anyway.
      if (readies === 1 && queryClient.getQueryData(key) === undefined && !fetching()) return;
      catchUp(readies > 1);
    },
    touched(conversationId) {
      touchedLive.add(conversationId);
    },
    learn,
    drop(conversationId) {
      const underWay = learning.get(conversationId);
      if (underWay !== undefined) {
        underWay.dropped = true;
        underWay.again = false;
      }
      setList((list) => withoutConversation(list, conversationId));
      // A whole read under way may have read it before the removal, and would put it back.
      if (fetching()) catchUp(true);
    },
  };
}
