import type { TabState } from './notify-decision.ts';

/** A visible tab repeats its state this often, so a tab that died without a word is forgotten. */
const HEARTBEAT_MS = 10_000;
/** A tab not heard from for this long is gone (crashed, or frozen by the browser). */
const STALE_AFTER_MS = 25_000;

type Note = { type: 'state'; tabId: string; state: TabState } | { type: 'ask' } | { type: 'gone'; tabId: string };

/**
 * The open tabs of one user in this browser agree on two things: which one alerts (the leader,
 * holding a Web Lock: exactly one at a time, the next takes over when it closes), and what
 * each of them shows (BroadcastChannel), so the leader stays quiet while any tab is looking at
 * the conversation. Without Web Locks every tab is its own leader.
 */
export interface TabCoordinator {
  isLeader(): boolean;
  /** This tab's state changed (visibility, focus, route). */
  update(state: TabState): void;
  /** Every live tab's state, this one first. */
  states(): TabState[];
  dispose(): void;
}

/** The states heard from other tabs that are still fresh at `nowMs`. */
export function freshStates(heard: ReadonlyMap<string, { state: TabState; atMs: number }>, nowMs: number): TabState[] {
  return [...heard.values()].filter((h) => nowMs - h.atMs <= STALE_AFTER_MS).map((h) => h.state);
}

export function createTabCoordinator(userId: string, initial: TabState): TabCoordinator {
  const tabId = crypto.randomUUID();
  let mine = initial;
  let leader = false;
  const heard = new Map<string, { state: TabState; atMs: number }>();
  const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(`parley.tabs.${userId}`);
  const post = (note: Note) => channel?.postMessage(note);
  const announce = () => post({ type: 'state', tabId, state: mine });

  if (channel) {
    channel.onmessage = (e: MessageEvent<Note>) => {
      const note = e.data;
      if (note.type === 'state') heard.set(note.tabId, { state: note.state, atMs: Date.now() });
      else if (note.type === 'gone') heard.delete(note.tabId);
      else if (note.type === 'ask') announce();
    };
  }
  announce();
  post({ type: 'ask' });
  const heartbeat = setInterval(announce, HEARTBEAT_MS);
  const onHide = () => post({ type: 'gone', tabId });
  window.addEventListener('pagehide', onHide);

  let release: (() => void) | undefined;
  const disposed = new AbortController();
  if (typeof navigator.locks === 'undefined') leader = true;
  else {
    navigator.locks
      .request(`parley.alerts.${userId}`, { signal: disposed.signal }, () => {
        leader = true;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      })
      .catch(() => undefined);
  }

  return {
    isLeader: () => leader,
    update(state) {
      mine = state;
      announce();
    },
    states: () => [mine, ...freshStates(heard, Date.now())],
    dispose() {
      clearInterval(heartbeat);
      window.removeEventListener('pagehide', onHide);
      onHide();
      disposed.abort();
      release?.();
      leader = false;
      channel?.close();
    },
  };
}
