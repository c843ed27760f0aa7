'use client';
import { useEffect, useState } from 'react';
import { formatCallTimer } from '../../lib/calls/call-text.ts';

const TICK_MS = 1_000;

/** mm:ss since this device got connected (local clock: no server skew). Remount per call id. */
export function CallTimer({ callId }: { callId: string }) {
  const [since, setSince] = useState<{ callId: string; at: number } | null>(null);
  const [now, setNow] = useState(0);
  useEffect(() => {
    const at = Date.now();
    setSince({ callId, at });
    setNow(at);
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [callId]);
  const elapsed = since === null ? 0 : now - since.at;
  return (
    <time className="call-timer" aria-label="Call duration">
      {formatCallTimer(elapsed)}
    </time>
  );
}
