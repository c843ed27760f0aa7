'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { browserStorage } from '../../lib/browser-storage.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { currentSubscription, disablePush, enablePush, pushSupported, renewPush } from '../../lib/web-push.ts';
import { useApi } from '../providers.tsx';

export interface PushControls {
  supported: boolean;
  /** undefined while the browser is being asked. */
  on: boolean | undefined;
  busy: boolean;
  error: string | null;
  enable(): Promise<boolean>;
  disable(): Promise<void>;
  dismissError(): void;
}

/** Push on or off in this browser, for the signed-in user; one state shared by prompt and settings. */
export function usePush(meId: string): PushControls {
  const api = useApi();
  const queryClient = useQueryClient();
  const supported = pushSupported();
  const state = useQuery({ queryKey: queryKeys.pushState, queryFn: async () => (await currentSubscription()) !== null, enabled: supported });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const settle = useCallback(() => queryClient.invalidateQueries({ queryKey: queryKeys.pushState }), [queryClient]);
  const enable = useCallback(async () => {
    setBusy(true);
    setError(null);
    try {
      await enablePush(api, browserStorage(), meId);
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Push notifications could not be turned on');
      return false;
    } finally {
      setBusy(false);
      await settle();
    }
  }, [api, meId, settle]);
  const disable = useCallback(async () => {
    setBusy(true);
    setError(null);
    await disablePush(api, browserStorage(), meId).finally(() => setBusy(false));
    await settle();
  }, [api, meId, settle]);
  const dismissError = useCallback(() => setError(null), []);
  return { supported, on: supported ? state.data : false, busy, error, enable, disable, dismissError };
}

/**
 * App-wide push plumbing: renews this browser's subscription for the session (quietly) and
 * follows the service worker's "open this conversation" after a notification click.
 */
export function usePushPlumbing(meId: string): void {
  const api = useApi();
  const router = useRouter();
  const queryClient = useQueryClient();
  useEffect(() => {
    void renewPush(api, browserStorage(), meId).then(() => queryClient.invalidateQueries({ queryKey: queryKeys.pushState }));
  }, [api, meId, queryClient]);
  useEffect(() => {
    if (!pushSupported()) return;
    const onMessage = (event: MessageEvent<unknown>) => {
      const data = event.data as { type?: unknown; url?: unknown } | null;
      if (data?.type === 'parley-open' && typeof data.url === 'string' && data.url.startsWith('/')) router.push(data.url);
    };
    navigator.serviceWorker.addEventListener('message', onMessage);
    // Messages wait in a queue until this is called (an addEventListener alone does not start it).
    navigator.serviceWorker.startMessages();
    return () => navigator.serviceWorker.removeEventListener('message', onMessage);
  }, [router]);
}
