'use client';
import { useEffect } from 'react';
import { useRealtime } from '../shell/realtime-provider.tsx';

/**
 * Tells the server which conversation this tab shows while it is visible and focused, so no Web
 * Push arrives for what the person is reading (on this or any other device of theirs).
 */
export function useViewingReport(activeId: string | undefined): void {
  const { client } = useRealtime();
  useEffect(() => {
    if (client === null) return;
    const report = () => {
      const looking = document.visibilityState === 'visible' && document.hasFocus();
      client.setViewing(looking && activeId !== undefined ? activeId : null);
    };
    report();
    window.addEventListener('focus', report);
    window.addEventListener('blur', report);
    document.addEventListener('visibilitychange', report);
    return () => {
      window.removeEventListener('focus', report);
      window.removeEventListener('blur', report);
      document.removeEventListener('visibilitychange', report);
    };
  }, [client, activeId]);
}
