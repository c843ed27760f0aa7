import { describe, expect, it } from 'vitest';
import { placeNear, POPOVER_GAP_PX, POPOVER_MARGIN_PX } from './popover-position.ts';

const viewport = { width: 1000, height: 800 };
const size = { width: 200, height: 300 };

describe('placeNear', () => {
  it('opens below the anchor, right edges aligned', () => {
    expect(placeNear({ top: 100, left: 500, width: 40, height: 30 }, size, viewport)).toEqual({ top: 130 + POPOVER_GAP_PX, left: 340 });
  });

  it('flips above when there is no room below', () => {
    expect(placeNear({ top: 700, left: 500, width: 40, height: 30 }, size, viewport).top).toBe(700 - POPOVER_GAP_PX - 300);
  });

  it('stays inside the window on every side', () => {
    const p = placeNear({ top: 10, left: 5, width: 20, height: 20 }, size, viewport);
    expect(p.left).toBe(POPOVER_MARGIN_PX);
    const tall = placeNear({ top: 400, left: 900, width: 40, height: 30 }, { width: 200, height: 790 }, viewport);
    expect(tall.top).toBe(POPOVER_MARGIN_PX);
  });
});
