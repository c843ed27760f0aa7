'use client';
import { onlineManager } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { createPresenceWatchSet, type PresenceWatchSet } from '../../lib/presence-watch.ts';
import { createRealtimeClient, isUnauthorizedClose, startActivityMonitor, type RealtimeClient } from '../../lib/realtime.ts';

interface RealtimeValue {
  client: RealtimeClient | null;
  /** Whose presence is on screen: the client hears only them (usePresence adds each). */
  watch: PresenceWatchSet | null;
}

const RealtimeContext = createContext<RealtimeValue>({ client: null, watch: null });

/** Owns the one socket of this tab; mounted only for a signed-in user. */
export function RealtimeProvider({ userId, children, onUnauthorized }: { userId: string; children: ReactNode; onUnauthorized: () => void }) {
  const [value, setValue] = useState<RealtimeValue>({ client: null, watch: null });

  useEffect(() => {
    const client = createRealtimeClient(userId);
    const offClosed = client.on('closed', (info) => {
      if (isUnauthorizedClose(info)) onUnauthorized();
      // The cookie now belongs to someone else (signed in as another user in another tab). The
      // SDK stopped before sending anything of `userId`'s; load the app afresh for whoever the
      // cookie says. The outbox stays in `userId`'s store until they are back.
      else if (info.error?.reason === 'user_changed') window.location.assign('/');
    });
    // A socket that reached hello_ok proves the server is reachable, whatever navigator.onLine
    // said at start: queries paused for the network may go.
    const offReady = client.on('ready', () => onlineManager.setOnline(true));
    // The browser's view of the network: offline shows at once and checks the socket; online
    // skips the rest of the backoff. A page shown again checks its socket too.
    const onOnline = () => client.reportNetworkChange(true);
    const onOffline = () => client.reportNetworkChange(false);
    const onVisible = () => document.visibilityState === 'visible' && client.checkConnection();
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    document.addEventListener('visibilitychange', onVisible);
    // Before connect, so an already hidden tab says 'idle' right after hello_ok.
    const activity = startActivityMonitor(client);
    setValue({ client, watch: createPresenceWatchSet((userIds) => client.watchPresence(userIds)) });
    client.connect();
    return () => {
      activity.dispose();
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      document.removeEventListener('visibilitychange', onVisible);
      offClosed();
      offReady();
      client.close();
    };
  }, [onUnauthorized, userId]);

  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

export function useRealtime(): RealtimeValue {
  return useContext(RealtimeContext);
}
