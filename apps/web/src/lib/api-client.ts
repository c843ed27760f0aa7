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
        // The gateway takes at most 4,096 characters of procedure names in one batch (about 250
        // calls) and a request line of 16 KiB; a burst of conversation reads stays well inside.
        maxItems: 50,
        maxURLLength: 8000,
        headers: () => CSRF_HEADER,
        fetch: (input, init) => fetch(input, { ...init, credentials: 'same-origin' }),
      }),
    ],
  });
}
