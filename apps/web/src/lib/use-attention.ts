'use client';
import { useEffect, useState } from 'react';

function hasAttention(): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'visible' && document.hasFocus();
}

/** True while the tab is visible and focused: only then does an open conversation count as read. */
export function useAttention(): boolean {
  const [attention, setAttention] = useState(false);
  useEffect(() => {
    const update = () => setAttention(hasAttention());
    update();
    window.addEventListener('focus', update);
    window.addEventListener('blur', update);
    document.addEventListener('visibilitychange', update);
    return () => {
      window.removeEventListener('focus', update);
      window.removeEventListener('blur', update);
      document.removeEventListener('visibilitychange', update);
    };
  }, []);
  return attention;
}
