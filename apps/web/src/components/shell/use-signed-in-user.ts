'use client';
import { useQuery } from '@tanstack/react-query';
import type { PublicUser } from '@parley/protocol';
import { isNetworkError } from '../../lib/api-errors.ts';
import { browserStorage } from '../../lib/browser-storage.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { lastSignedInUser, rememberSignedInUser } from '../../lib/signed-in-user.ts';
import { useApi } from '../providers.tsx';

/** `unconfirmed`: the server could not be asked; this is the user it last confirmed. */
export type MeData = { user: PublicUser; unconfirmed?: true } | null;

/** How often an unconfirmed user is checked with the server (the socket's hello_ok is quicker). */
export const CONFIRM_EVERY_MS = 5_000;

/**
 * Who is signed in. When the server cannot be reached (a reload without a network), the user it
 * last confirmed on this browser stands in, so the app and its unsent messages show; it is
 * checked again every few seconds and as soon as the socket is back, and a session found gone
 * leads to sign-in like any other.
 */
export function useSignedInUser() {
  const api = useApi();
  return useQuery<MeData>({
    queryKey: queryKeys.me,
    queryFn: async () => {
      try {
        const result = await api.auth.me.query();
        rememberSignedInUser(browserStorage(), result?.user ?? null);
        return result;
      } catch (error) {
        const cached = isNetworkError(error) ? lastSignedInUser(browserStorage()) : null;
        if (cached === null) throw error;
        return { user: cached, unconfirmed: true };
      }
    },
    refetchInterval: (query) => (query.state.data?.unconfirmed ? CONFIRM_EVERY_MS : false),
  });
}
