'use client';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import type { PublicUser } from '@parley/protocol';
import { queryKeys } from '../../lib/query-keys.ts';
import { Avatar } from '../avatar.tsx';
import { PresenceStatus } from '../presence-status.tsx';
import { useApi } from '../providers.tsx';
import { apiErrorInfo } from '../../lib/api-errors.ts';

/** The server refuses shorter queries (users.search, PROTOCOL §2). */
const MIN_SEARCH_CHARS = 3;
/** Wait this long after the last keystroke before asking the server. */
const SEARCH_DEBOUNCE_MS = 200;

function useDebounced(value: string, delayMs: number): string {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

interface Props {
  /** Users already chosen or already members: hidden from results. */
  exclude?: ReadonlySet<string>;
  action: (user: PublicUser) => ReactNode;
  /** Takes the focus when its dialog opens (see Modal). */
  autoFocus?: boolean;
}

/** Searchbox "Search people" and its results; `action` renders each result's button. */
export function UserSearch({ exclude, action, autoFocus }: Props) {
  const api = useApi();
  const [query, setQuery] = useState('');
  const debounced = useDebounced(query.trim(), SEARCH_DEBOUNCE_MS);
  const search = useQuery({
    queryKey: queryKeys.userSearch(debounced),
    queryFn: () => api.users.search.query({ query: debounced }),
    enabled: debounced.length >= MIN_SEARCH_CHARS,
    staleTime: 10_000,
    // A refusal (too short, too many searches) says why; asking again at once would not help.
    retry: false,
  });
  const results = (search.data ?? []).filter((u) => !exclude?.has(u.id));

  return (
    <div className="user-search">
      <input
        type="search"
        className="input"
        aria-label="Search people"
        placeholder="Search by handle or name"
        value={query}
        data-autofocus={autoFocus || undefined}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div className="user-search-results" aria-live="polite">
        {debounced === '' ? null : debounced.length < MIN_SEARCH_CHARS ? (
          <p className="muted">Type at least {MIN_SEARCH_CHARS} characters.</p>
        ) : search.isPending ? (
          <p className="muted">Searching…</p>
        ) : search.isError ? (
          <p className="field-error">{searchErrorText(search.error)}</p>
        ) : results.length === 0 ? (
          <p className="muted">No one found for “{debounced}”.</p>
        ) : (
          <ul className="people-list" aria-label="People">
            {results.map((user) => (
              <li key={user.id} className="person">
                <Avatar name={user.displayName} id={user.id} size="small" />
                <span className="person-names">
                  <span className="person-name">{user.displayName}</span>
                  <span className="person-meta">
                    <span className="person-handle">@{user.handle}</span>
                    <PresenceStatus userId={user.id} />
                  </span>
                </span>
                {action(user)}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

function searchErrorText(error: unknown): string {
  const info = apiErrorInfo(error);
  // "Too many attempts, try again in N s" is worth showing as it is; other failures are not.
  return info.code === 'TOO_MANY_REQUESTS' ? info.message : 'Search failed. Try again.';
}
