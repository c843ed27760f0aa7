'use client';
import { useEffect, useState } from 'react';

/**
 * The current time, re-read every `tickMs` so relative times ("5 min", "last seen 12 min ago")
 * stay true. null on the server render and first client render, so the HTML matches.
 */
export function useNow(tickMs: number): Date | null {
  const [now, setNow] = useState<Date | null>(null);
  useEffect(() => {
    setNow(new Date());
    const timer = setInterval(() => setNow(new Date()), tickMs);
    return () => clearInterval(timer);
  }, [tickMs]);
  return now;
}
