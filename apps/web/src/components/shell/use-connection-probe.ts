'use client';
import { useCallback, useRef } from 'react';
import type { RealtimeClient } from '../../lib/realtime.ts';

/** At most one probe this often: a burst of quick messages must not become a burst of pings. */
export const PROBE_MIN_INTERVAL_MS = 300;

/**
 * Checks the socket (a ping with the SDK's short liveness timeout) when the person is about to
 * write. A connection that died without an `offline` event (Wi-Fi that passes nothing) then
 * shows as "Reconnecting…" within about 3 s of starting a message, instead of only after the
 * next heartbeat (up to 28 s) or after a send goes unanswered (4.5 s).
 */
export function useConnectionProbe(client: RealtimeClient | null): () => void {
  const last = useRef(Number.NEGATIVE_INFINITY);
  return useCallback(() => {
    const now = performance.now();
    if (client === null || now - last.current < PROBE_MIN_INTERVAL_MS) return;
    last.current = now;
    client.checkConnection();
  }, [client]);
}
