'use client';
import { useCallback, useEffect, useRef, type PointerEvent } from 'react';

/** How long a finger rests on a message before its actions open (ms); like native apps. */
export const LONG_PRESS_MS = 500;
/** A finger that moves further than this (px) is scrolling, not pressing. */
const MOVE_TOLERANCE_PX = 10;

/** Touch only: a long press calls `onLongPress`; a mouse keeps its hover toolbar and context menu. */
export function useLongPress(onLongPress: () => void) {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const start = useRef<{ x: number; y: number } | null>(null);
  const fired = useRef(false);
  const cancel = useCallback(() => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
    start.current = null;
  }, []);
  useEffect(() => cancel, [cancel]);

  return {
    onPointerDown: (event: PointerEvent) => {
      if (event.pointerType !== 'touch') return;
      fired.current = false;
      start.current = { x: event.clientX, y: event.clientY };
      timer.current = setTimeout(() => {
        fired.current = true;
        timer.current = null;
        onLongPress();
      }, LONG_PRESS_MS);
    },
    onPointerMove: (event: PointerEvent) => {
      const s = start.current;
      if (s !== null && Math.hypot(event.clientX - s.x, event.clientY - s.y) > MOVE_TOLERANCE_PX) cancel();
    },
    onPointerUp: cancel,
    onPointerCancel: cancel,
    // The browser's own long-press menu would cover ours.
    onContextMenu: (event: { preventDefault(): void }) => {
      if (fired.current || timer.current !== null) event.preventDefault();
    },
  };
}
