'use client';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useState, type FormEvent } from 'react';
import type { PublicUser, SearchHit } from '@parley/protocol';
import { apiErrorInfo } from '../../lib/api-errors.ts';
import type { ConversationSummary } from '../../lib/api-types.ts';
import { conversationTitle } from '../../lib/conversation-list.ts';
import { formatFullTime } from '../../lib/format-time.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { hitHref, snippetParts } from '../../lib/search-links.ts';
import { searchParamsOf, type SearchForm } from '../../lib/search-form.ts';
import { Avatar } from '../avatar.tsx';
import { useApi } from '../providers.tsx';

/** users.search refuses shorter queries (PROTOCOL §2). */
const MIN_PEOPLE_CHARS = 3;

/** One search, as the URL gives it: results for people and messages, filters, more on demand. */
export function SearchView({ form, meId }: { form: SearchForm; meId: string }) {
  const api = useApi();
  const router = useRouter();
  const queryClient = useQueryClient();
  const cached = queryClient.getQueryData<ConversationSummary[]>(queryKeys.conversations);
  const conversations = useMemo(() => cached ?? [], [cached]);
  const q = form.q.trim();

  const people = useQuery({
    queryKey: queryKeys.userSearch(q),
    queryFn: () => api.users.search.query({ query: q }),
    enabled: q.length >= MIN_PEOPLE_CHARS,
    staleTime: 10_000,
    retry: false,
  });
  const input = searchParamsOf(form);
  const messages = useInfiniteQuery({
    queryKey: queryKeys.messageSearch(input),
    queryFn: ({ pageParam }) => api.messages.search.query({ ...input, ...(pageParam === null ? {} : { cursor: pageParam }) }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: q.length > 0,
    staleTime: 10_000,
    retry: false,
  });
  const hits = messages.data?.pages.flatMap((p) => p.hits) ?? [];
  const titleOf = useMemo(() => {
    const byId = new Map(conversations.map((c) => [c.id, c] as const));
    return (id: string) => {
      const c = byId.get(id);
      return c ? conversationTitle(c, meId) : 'Conversation';
    };
  }, [conversations, meId]);

  async function message(user: PublicUser): Promise<void> {
    const { conversationId } = await api.conversations.openDirect.mutate({ userId: user.id });
    router.push(`/c/${encodeURIComponent(conversationId)}`);
  }

  return (
    <div className="search-view">
      <SearchFilters form={form} conversations={conversations} meId={meId} />
      {q === '' ? (
        <p className="muted search-note">Search messages in your conversations, and people by name or handle.</p>
      ) : (
        <div className="search-results">
          {q.length >= MIN_PEOPLE_CHARS && people.data !== undefined && people.data.length > 0 ? (
            <section aria-label="People">
              <h2 className="search-heading">People</h2>
              <ul className="search-people">
                {people.data.map((u) => (
                  <li key={u.id} className="search-person">
                    <Avatar name={u.displayName} id={u.id} size="small" />
                    <span className="search-person-name">{u.displayName} <span className="muted">@{u.handle}</span></span>
                    <button type="button" className="button button-quiet" onClick={() => void message(u)}>Message</button>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          <section aria-label="Messages">
            <h2 className="search-heading">Messages</h2>
            {messages.isError ? (
              <p role="alert" className="search-note">{apiErrorInfo(messages.error).message}</p>
            ) : messages.isPending ? (
              <p className="muted search-note" aria-busy="true">Searching…</p>
            ) : hits.length === 0 ? (
              <p className="muted search-note">No messages match. Words must match whole (“deploy” finds “deploy”, not “deployment”).</p>
            ) : (
              <ol className="search-hits">
                {hits.map((hit) => (
                  <SearchHitItem key={hit.messageId} hit={hit} title={titleOf(hit.conversationId)} />
                ))}
              </ol>
            )}
            {messages.hasNextPage ? (
              <button type="button" className="button button-quiet search-more" disabled={messages.isFetchingNextPage} onClick={() => void messages.fetchNextPage()}>
                {messages.isFetchingNextPage ? 'Loading…' : 'More results'}
              </button>
            ) : null}
          </section>
        </div>
      )}
    </div>
  );
}

function SearchHitItem({ hit, title }: { hit: SearchHit; title: string }) {
  return (
    <li>
      <Link className="search-hit" href={hitHref(hit.conversationId, hit.seq)}>
        <span className="search-hit-meta">
          <strong>{title}</strong> · {hit.senderDisplayName} · <time dateTime={hit.createdAt}>{formatFullTime(hit.createdAt)}</time>
          {hit.editedAt ? <span className="muted"> (edited)</span> : null}
        </span>
        <span className="search-hit-snippet">
          {snippetParts(hit.snippet).map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
        </span>
      </Link>
    </li>
  );
}

/** The query box and filters; submitting puts them in the URL (shareable, back button works). */
function SearchFilters({ form, conversations, meId }: { form: SearchForm; conversations: readonly ConversationSummary[]; meId: string }) {
  const router = useRouter();
  const [draft, setDraft] = useState(form);
  const people = useMemo(() => {
    const byId = new Map<string, string>();
    for (const c of conversations) for (const m of c.members) if (m.id !== meId) byId.set(m.id, m.displayName);
    return [...byId].sort((a, b) => a[1].localeCompare(b[1]));
  }, [conversations, meId]);
  const set = (patch: Partial<SearchForm>) => setDraft((d) => ({ ...d, ...patch }));

  function submit(event: FormEvent): void {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(draft)) if (value.trim() !== '') params.set(key, value.trim());
    router.push(`/search?${params.toString()}`);
  }

  return (
    <form className="search-form" role="search" onSubmit={submit}>
      <input
        type="search"
        className="input search-query"
        aria-label="Search"
        placeholder={'Words, "a phrase", -exclude'}
        value={draft.q}
        maxLength={256}
        onChange={(e) => set({ q: e.target.value })}
      />
      <div className="search-filter-row">
        <label>
          In
          <select className="input" value={draft.in} onChange={(e) => set({ in: e.target.value })}>
            <option value="">Any conversation</option>
            {conversations.map((c) => (
              <option key={c.id} value={c.id}>{conversationTitle(c, meId)}</option>
            ))}
          </select>
        </label>
        <label>
          From
          <select className="input" value={draft.from} onChange={(e) => set({ from: e.target.value })}>
            <option value="">Anyone</option>
            <option value={meId}>Me</option>
            {people.map(([id, name]) => (
              <option key={id} value={id}>{name}</option>
            ))}
          </select>
        </label>
        <label>
          After
          <input type="date" className="input" value={draft.since} onChange={(e) => set({ since: e.target.value })} />
        </label>
        <label>
          Before
          <input type="date" className="input" value={draft.until} onChange={(e) => set({ until: e.target.value })} />
        </label>
        <label className="search-has-file">
          <input type="checkbox" checked={draft.file === '1'} onChange={(e) => set({ file: e.target.checked ? '1' : '' })} />
          Has a file
        </label>
        <button type="submit" className="button">Search</button>
      </div>
    </form>
  );
}
