'use client';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { createRealtimeClient, isUnauthorizedClose, startActivityMonitor, type ConnectionStatus, type RealtimeClient } from '../../lib/realtime.ts';

interface RealtimeValue {
  client: RealtimeClient | null;
  status: ConnectionStatus;
  /** Once open, a later 'connecting' is a reconnect: the banner shows for it too. */
  hasBeenOpen: boolean;
}

const RealtimeContext = createContext<RealtimeValue>({ client: null, status: 'idle', hasBeenOpen: false });

/** Owns the one socket of this tab; mounted only for a signed-in user. */
export function RealtimeProvider({ userId, children, onUnauthorized }: { userId: string; children: ReactNode; onUnauthorized: () => void }) {
  const [value, setValue] = useState<RealtimeValue>({ client: null, status: 'idle', hasBeenOpen: false });

  useEffect(() => {
    const client = createRealtimeClient(userId);
    const offStatus = client.on('status', (status) => {
      setValue((v) => ({ client, status, hasBeenOpen: v.hasBeenOpen || status === 'open' }));
    });
    const offClosed = client.on('closed', (info) => {
      if (isUnauthorizedClose(info)) onUnauthorized();
    });
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
    setValue({ client, status: client.status, hasBeenOpen: false });
    client.connect();
    return () => {
      activity.dispose();
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      document.removeEventListener('visibilitychange', onVisible);
      offStatus();
      offClosed();
      client.close();
    };
  }, [onUnauthorized, userId]);

  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

export function useRealtime(): RealtimeValue {
  return useContext(RealtimeContext);
}

export function ConnectionBanner() {
  const { status, hasBeenOpen } = useRealtime();
  const reconnecting = status === 'reconnecting' || (hasBeenOpen && status === 'connecting');
  if (!reconnecting) return null;
  return (
    <div className="connection-banner" role="status">
      <span className="spinner" aria-hidden="true" />
      Reconnecting…
    </div>
  );
}
