'use client';
import { onlineManager, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { createApiClient } from '../lib/api-client.ts';
import type { ApiClient } from '../lib/api-types.ts';
import { isUnauthorized } from '../lib/api-errors.ts';
import { registerOfflineSupport } from '../lib/offline-pages.ts';

const ApiContext = createContext<ApiClient | null>(null);

/** Query results stay fresh briefly: live events keep the list current between fetches. */
const STALE_TIME_MS = 30_000;
const MAX_QUERY_RETRIES = 2;

export function Providers({ children }: { children: ReactNode }) {
  // Created per mount, not at import time: no shared state between renders or tests.
  const [queryClient] = useState(() => {
    // React Query assumes it is online until an `offline` event; a page that starts without a
    // network would spend its retries and show errors. Start from what the browser knows
    // (before any query runs: children's effects run before ours).
    if (typeof window !== 'undefined') onlineManager.setOnline(window.navigator.onLine);
    return new QueryClient({
      defaultOptions: {
        queries: {
          staleTime: STALE_TIME_MS,
          refetchOnWindowFocus: false,
          retry: (failures, error) => !isUnauthorized(error) && failures < MAX_QUERY_RETRIES,
          // Try once even when the browser says offline (a server on localhost still answers),
          // then wait for the network instead of failing: the app shows what it kept.
          networkMode: 'offlineFirst',
        },
      },
    });
  });
  const [api] = useState(() => createApiClient());
  useEffect(registerOfflineSupport, []);
  return (
    <ApiContext.Provider value={api}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </ApiContext.Provider>
  );
}

export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (api === null) throw new Error('useApi must be used inside <Providers>');
  return api;
}
