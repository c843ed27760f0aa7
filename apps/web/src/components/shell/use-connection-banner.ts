'use client';
import { useEffect, useState } from 'react';
import { createBannerController, type Banner } from '../../lib/connection-banner.ts';
import type { RealtimeClient } from '../../lib/realtime.ts';

/** What the connection banner shows now, from the client's connectivity changes. */
export function useConnectionBanner(client: RealtimeClient | null): Banner | null {
  const [banner, setBanner] = useState<Banner | null>(null);
  useEffect(() => {
    if (client === null) return;
    const controller = createBannerController(
      { setTimeout: (run, ms) => window.setTimeout(run, ms), clearTimeout: (handle) => window.clearTimeout(handle as number) },
      setBanner,
    );
    // A page that starts without a network is 'offline' before any change event.
    controller.apply({ state: client.connectivity, previous: 'connecting' });
    // 'closed' comes just before the change it causes: its code says restart or death.
    let lastCloseCode: number | undefined;
    const offClosed = client.on('closed', (info) => {
      lastCloseCode = info.code;
    });
    const off = client.on('connectivity', (change) => controller.apply(change, lastCloseCode));
    return () => {
      offClosed();
      off();
      controller.dispose();
      setBanner(null);
    };
  }, [client]);
  return banner;
}
