import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BACK_ONLINE_MS, bannerFor, createBannerController, RECONNECTING_GRACE_MS, type Banner } from './connection-banner.ts';

describe('bannerFor', () => {
  it('says what each state means, in the SDK’s words', () => {
    expect(bannerFor({ state: 'offline', previous: 'online' })).toMatchObject({ kind: 'offline', title: 'Waiting for connection…' });
    expect(bannerFor({ state: 'offline', previous: 'online' })?.detail).toMatch(/will be sent when you’re back/);
    expect(bannerFor({ state: 'reconnecting', previous: 'online' })).toEqual({ kind: 'reconnecting', title: 'Reconnecting…' });
    expect(bannerFor({ state: 'online', previous: 'reconnecting' })).toEqual({ kind: 'back-online', title: 'Back online' });
  });

  it('says nothing for the first connection or when stopped', () => {
    expect(bannerFor({ state: 'online', previous: 'connecting' })).toBeNull();
    expect(bannerFor({ state: 'connecting', previous: 'stopped' })).toBeNull();
    expect(bannerFor({ state: 'stopped', previous: 'online' })).toBeNull();
  });
});

describe('banner controller', () => {
  let shown: Array<Banner | null>;
  let controller: ReturnType<typeof createBannerController>;
  beforeEach(() => {
    vi.useFakeTimers();
    shown = [];
    controller = createBannerController({ setTimeout: (run, ms) => setTimeout(run, ms), clearTimeout: (h) => clearTimeout(h as number) }, (b) => shown.push(b));
  });
  afterEach(() => {
    controller.dispose();
    vi.useRealTimers();
  });
  const kinds = () => shown.map((b) => b?.kind ?? null);

  it('shows offline at once, then reconnecting, then back online for a few seconds', () => {
    controller.apply({ state: 'offline', previous: 'online' });
    expect(kinds()).toEqual(['offline']);
    controller.apply({ state: 'reconnecting', previous: 'offline' });
    expect(kinds()).toEqual(['offline', 'reconnecting']);
    controller.apply({ state: 'online', previous: 'reconnecting' });
    expect(kinds()).toEqual(['offline', 'reconnecting', 'back-online']);
    vi.advanceTimersByTime(BACK_ONLINE_MS - 1);
    expect(kinds()).toHaveLength(3);
    vi.advanceTimersByTime(1);
    expect(kinds()).toEqual(['offline', 'reconnecting', 'back-online', null]);
  });

  it('shows nothing for a server restart that is over within the grace', () => {
    controller.apply({ state: 'reconnecting', previous: 'online' }, 1012);
    vi.advanceTimersByTime(RECONNECTING_GRACE_MS - 1);
    controller.apply({ state: 'online', previous: 'reconnecting' }, 1012);
    vi.advanceTimersByTime(BACK_ONLINE_MS * 2);
    expect(shown).toEqual([]);
  });

  it('shows a server restart that lasts past the grace', () => {
    controller.apply({ state: 'reconnecting', previous: 'online' }, 1012);
    vi.advanceTimersByTime(RECONNECTING_GRACE_MS);
    expect(kinds()).toEqual(['reconnecting']);
  });

  it('shows a connection that died at once (no answer to a ping, a reset)', () => {
    controller.apply({ state: 'reconnecting', previous: 'online' }, 4004);
    expect(kinds()).toEqual(['reconnecting']);
    controller.apply({ state: 'online', previous: 'reconnecting' });
    controller.apply({ state: 'reconnecting', previous: 'online' }, 1006);
    expect(kinds()).toEqual(['reconnecting', 'back-online', 'reconnecting']);
  });

  it('replaces back online by new trouble at once', () => {
    controller.apply({ state: 'offline', previous: 'online' });
    controller.apply({ state: 'online', previous: 'offline' });
    controller.apply({ state: 'offline', previous: 'online' });
    vi.advanceTimersByTime(BACK_ONLINE_MS * 2);
    expect(kinds()).toEqual(['offline', 'back-online', 'offline']);
  });
});
