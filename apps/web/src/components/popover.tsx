'use client';
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { placeNear } from '../lib/popover-position.ts';

/** At or below this width a popover is a bottom sheet, easy to reach with a thumb. */
const SHEET_QUERY = '(max-width: 720px)';

export type CloseReason = 'escape' | 'outside' | 'scroll';

interface Props {
  anchor: HTMLElement;
  role: 'menu' | 'dialog';
  label: string;
  className?: string;
  onClose: (reason: CloseReason) => void;
  onKeyDown?: (event: KeyboardEvent<HTMLDivElement>) => void;
  children: ReactNode;
}

/**
 * A floating panel next to `anchor`, rendered at the end of <body> so no scrolling ancestor clips
 * it. Escape, a press outside, or scrolling what is behind it closes it; the caller puts focus
 * back where it belongs.
 */
export function Popover({ anchor, role, label, className = '', onClose, onKeyDown, children }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState<{ top: number; left: number } | 'sheet' | null>(null);
  const closeRef = useRef(onClose);
  useEffect(() => {
    closeRef.current = onClose;
  }, [onClose]);

  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const measure = () => {
      if (window.matchMedia(SHEET_QUERY).matches) return setPlace('sheet');
      const size = el.getBoundingClientRect();
      setPlace(placeNear(anchor.getBoundingClientRect(), size, { width: window.innerWidth, height: window.innerHeight }));
    };
    measure();
    // A phone keyboard opening resizes the window: follow it rather than close.
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [anchor]);

  useEffect(() => {
    const inside = (target: EventTarget | null) => target instanceof Node && (ref.current?.contains(target) === true || anchor.contains(target));
    const onPointerDown = (event: PointerEvent) => {
      if (!inside(event.target)) closeRef.current('outside');
    };
    const onScroll = (event: Event) => {
      if (!(event.target instanceof Node && ref.current?.contains(event.target))) closeRef.current('scroll');
    };
    document.addEventListener('pointerdown', onPointerDown, true);
    window.addEventListener('scroll', onScroll, true);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown, true);
      window.removeEventListener('scroll', onScroll, true);
    };
  }, [anchor]);

  // Unplaced, it is transparent but not hidden: its content must take focus on mount.
  const style = place === null ? { opacity: 0, top: 0, left: 0 } : place === 'sheet' ? undefined : place;
  return createPortal(
    <div
      ref={ref}
      role={role}
      aria-label={label}
      aria-modal={role === 'dialog' ? false : undefined}
      className={`popover${place === 'sheet' ? ' is-sheet' : ''} ${className}`}
      style={style}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          event.stopPropagation();
          onClose('escape');
          return;
        }
        onKeyDown?.(event);
      }}
    >
      {children}
    </div>,
    document.body,
  );
}

/** Moves focus among `selector` matches inside `container` with arrows, Home and End. */
export function moveFocus(container: HTMLElement, selector: string, key: string): boolean {
  const items = [...container.querySelectorAll<HTMLElement>(selector)].filter((el) => !el.hasAttribute('disabled'));
  if (items.length === 0) return false;
  const index = items.indexOf(document.activeElement as HTMLElement);
  let next: number;
  if (key === 'ArrowDown' || key === 'ArrowRight') next = index === -1 ? 0 : (index + 1) % items.length;
  else if (key === 'ArrowUp' || key === 'ArrowLeft') next = index <= 0 ? items.length - 1 : index - 1;
  else if (key === 'Home') next = 0;
  else if (key === 'End') next = items.length - 1;
  else return false;
  items[next]?.focus();
  return true;
}
