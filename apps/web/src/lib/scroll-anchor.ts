/** Within this distance of the bottom (px) the view counts as "at the bottom" and sticks. */
export const STICK_TO_BOTTOM_PX = 48;

/** Start loading the previous page when the top is closer than this (px). */
export const LOAD_OLDER_THRESHOLD_PX = 240;

export interface ScrollMetrics {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}

export function isAtBottom(m: ScrollMetrics, tolerancePx: number = STICK_TO_BOTTOM_PX): boolean {
  return m.scrollHeight - m.scrollTop - m.clientHeight <= tolerancePx;
}

export function shouldLoadOlder(m: ScrollMetrics, thresholdPx: number = LOAD_OLDER_THRESHOLD_PX): boolean {
  return m.scrollTop <= thresholdPx;
}

/**
 * Prepending older messages grows the content above the viewport. Keeping the distance to
 * the bottom constant keeps what the reader sees exactly in place (no jump).
 */
export function anchoredScrollTop(before: Pick<ScrollMetrics, 'scrollTop' | 'scrollHeight'>, newScrollHeight: number): number {
  return Math.max(0, before.scrollTop + (newScrollHeight - before.scrollHeight));
}

/** Start loading the next page when the bottom is closer than this (px): a log opened at an older message. */
export function shouldLoadNewer(m: ScrollMetrics, thresholdPx: number = LOAD_OLDER_THRESHOLD_PX): boolean {
  return m.scrollHeight - m.scrollTop - m.clientHeight <= thresholdPx;
}
