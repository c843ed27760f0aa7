'use client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, useContext, useState, type ReactNode } from 'react';
import { createApiClient } from '../lib/api-client.ts';
import type { ApiClient } from '../lib/api-types.ts';
import { isUnauthorized } from '../lib/api-errors.ts';

const ApiContext = createContext<ApiClient | null>(null);

/** Query results stay fresh briefly: live events keep the list current between fetches. */
const STALE_TIME_MS = 30_000;
const MAX_QUERY_RETRIES = 2;

export function Providers({ children }: { children: ReactNode }) {
  // Created per mount, not at import time: no shared state between renders or tests.
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            staleTime: STALE_TIME_MS,
            refetchOnWindowFocus: false,
            retry: (failures, error) => !isUnauthorized(error) && failures < MAX_QUERY_RETRIES,
          },
        },
      }),
  );
  const [api] = useState(() => createApiClient());
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
