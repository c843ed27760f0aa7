'use client';
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { CallSession, type CallSnapshot } from '../../lib/calls/call-session.ts';
import { useApi } from '../providers.tsx';
import { useRealtime } from '../shell/realtime-provider.tsx';

const CallContext = createContext<CallSession | null>(null);

/** One CallSession per signed-in tab and socket; the call UI reads it through hooks below. */
export function CallProvider({ selfUserId, children }: { selfUserId: string; children: ReactNode }) {
  const api = useApi();
  const { client } = useRealtime();
  const [session, setSession] = useState<CallSession | null>(null);
  useEffect(() => {
    if (client === null) return;
    const created = new CallSession({
      client,
      selfUserId,
      fetchIceServers: () => api.calls.iceServers.query(),
    });
    setSession(created);
    return () => {
      created.dispose();
      setSession(null);
    };
  }, [client, selfUserId, api]);
  return <CallContext.Provider value={session}>{children}</CallContext.Provider>;
}

export function useCallSession(): CallSession | null {
  return useContext(CallContext);
}

const noop = () => () => undefined;
const none = () => null;

/** Re-renders on every call change; null until the socket exists. */
export function useCallSnapshot(): CallSnapshot | null {
  const session = useCallSession();
  return useSyncExternalStore(session?.subscribe ?? noop, session?.snapshot ?? none, none);
}
