/** Space kept between a popover and its anchor, and between it and the window's edge (px). */
export const POPOVER_GAP_PX = 6;
export const POPOVER_MARGIN_PX = 8;

export interface Box {
  top: number;
  left: number;
  width: number;
  height: number;
}

/**
 * Where a popover of `size` goes next to `anchor` inside a `viewport`-sized window: below the
 * anchor, right edges aligned (toolbars sit at a message's right), above when it does not fit
 * below and fits better above, always clamped inside the window.
 */
export function placeNear(anchor: Box, size: { width: number; height: number }, viewport: { width: number; height: number }): { top: number; left: number } {
  const below = anchor.top + anchor.height + POPOVER_GAP_PX;
  const above = anchor.top - POPOVER_GAP_PX - size.height;
  const fitsBelow = below + size.height <= viewport.height - POPOVER_MARGIN_PX;
  const roomAbove = anchor.top - POPOVER_MARGIN_PX;
  const roomBelow = viewport.height - POPOVER_MARGIN_PX - below;
  const top = fitsBelow || roomBelow >= roomAbove ? below : above;
  const left = anchor.left + anchor.width - size.width;
  return {
    top: clamp(top, POPOVER_MARGIN_PX, viewport.height - POPOVER_MARGIN_PX - size.height),
    left: clamp(left, POPOVER_MARGIN_PX, viewport.width - POPOVER_MARGIN_PX - size.width),
  };
}

function clamp(value: number, min: number, max: number): number {
  // A popover larger than the window keeps its top-left corner on screen.
  return Math.max(min, Math.min(value, Math.max(min, max)));
}
