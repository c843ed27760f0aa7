import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { ApiClient, AppRouter } from './api-types.ts';

/** Same origin as the page: the gateway serves this app, `/trpc` and `/ws`. */
export const TRPC_PATH = '/trpc';

/** The server rejects mutations without this header (CSRF: a cross-site form cannot set it). */
export const CSRF_HEADER = { 'x-parley-csrf': '1' } as const;

export function createApiClient(url: string = TRPC_PATH): ApiClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url,
        headers: () => CSRF_HEADER,
        fetch: (input, init) => fetch(input, { ...init, credentials: 'same-origin' }),
      }),
    ],
  });
}
