import { describeConnectivity, type ConnectivityChange } from './realtime.ts';

export type BannerKind = 'offline' | 'reconnecting' | 'back-online';

export interface Banner {
  kind: BannerKind;
  /** The SDK's words: "Waiting for connection…", "Reconnecting…", "Back online". */
  title: string;
  /** What it means for what the person writes. */
  detail?: string;
}

/**
 * After a server said it is restarting (close 1012/1001), a reconnect that succeeds this fast
 * shows nothing at all. A connection that died (no answer, a reset) shows at once: it is what
 * the person needs to know about, and waiting would push it past the 5 s the UI promises.
 */
export const RECONNECTING_GRACE_MS = 1_000;

/** Close codes of a server going away on purpose (deploy, restart): usually back in a moment. */
export const SERVER_RESTART_CODES: ReadonlySet<number> = new Set([1001, 1012]);
/** "Back online" is good news to glance at, then it goes. */
export const BACK_ONLINE_MS = 3_000;

/** What a connectivity change says, or null for nothing to show (connected, first connect, stopped). */
export function bannerFor(change: ConnectivityChange): Banner | null {
  const title = describeConnectivity(change);
  if (title === null) return null;
  switch (change.state) {
    case 'offline':
      return { kind: 'offline', title, detail: 'Your messages will be sent when you’re back online.' };
    case 'reconnecting':
      return { kind: 'reconnecting', title };
    case 'online':
      return { kind: 'back-online', title };
    case 'connecting':
    case 'stopped':
      return null;
  }
}

export interface BannerTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Turns the stream of connectivity changes into what the banner shows: trouble at once, except
 * a server restart that is over within the grace; "Back online" only after trouble was shown,
 * and then only briefly. `lastCloseCode` is the code of the close that led to a change.
 */
export function createBannerController(timers: BannerTimers, onChange: (banner: Banner | null) => void) {
  let shown: Banner | null = null;
  let timer: unknown;
  const show = (banner: Banner | null) => {
    if (banner?.kind === shown?.kind && banner?.title === shown?.title) return;
    shown = banner;
    onChange(banner);
  };
  const clear = () => {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  };
  return {
    apply(change: ConnectivityChange, lastCloseCode?: number): void {
      const next = bannerFor(change);
      clear();
      const restart = lastCloseCode !== undefined && SERVER_RESTART_CODES.has(lastCloseCode);
      if (next?.kind === 'reconnecting' && shown === null && restart) {
        timer = timers.setTimeout(() => show(next), RECONNECTING_GRACE_MS);
      } else if (next?.kind === 'back-online') {
        if (shown === null || shown.kind === 'back-online') return;
        show(next);
        timer = timers.setTimeout(() => show(null), BACK_ONLINE_MS);
      } else {
        show(next);
      }
    },
    dispose: clear,
  };
}
