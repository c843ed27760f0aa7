/**
 * Server-side liveness of every socket on this node: a peer whose network vanished (no close,
 * no FIN: a laptop lid, a dead Wi-Fi, a NAT that forgot the flow) is noticed within
 * `deadAfterMs + tickMs` of the last thing heard from it, and terminated, so it goes offline
 * for others (after the presence grace) instead of lingering for minutes.
 *
 * One node-wide timer rather than one per socket: each tick pings the sockets that have been
 * silent for `pingIntervalMs` (a socket that sends frames is not pinged at all), and ends those
 * silent for `deadAfterMs`. A WebSocket ping is a control frame that browsers and `ws` answer
 * by themselves, without running any client code: cheap on both sides.
 */
export interface LivenessSocket {
  ping(): void;
  terminate(): void;
  /** Bytes queued on our side: while the peer drains them, it is alive even if its pong waits behind them. */
  readonly bufferedAmount: number;
}

export interface Liveness {
  /** Starts watching a socket; `heard` on every frame or pong, `remove` when it closes. */
  watch(socket: LivenessSocket): { heard(): void; remove(): void };
  /** One tick now (the timer calls it too). */
  tick(): void;
  /** Sockets watched now, and sockets ended for silence so far (monotonic). */
  stats(): { watched: number; terminated: number };
  close(): void;
}

export interface LivenessOptions {
  pingIntervalMs?: number;
  deadAfterMs?: number;
  tickMs?: number;
  now?: () => number;
}

/** Ping a socket silent for this long. */
export const SERVER_PING_INTERVAL_MS = 5_000;
/**
 * End a socket silent for this long: two pings unanswered (plus time for the answer), so one
 * lost or late pong is not fatal. Noticed within this + the tick: 13 s.
 */
export const DEAD_AFTER_MS = 12_000;
const DEFAULT_TICK_MS = 1_000;
/**
 * A tick this late means the event loop was stuck (a storm, a GC pause): pongs may be sitting
 * unread in the sockets, so nobody is ended for silence on this tick.
 */
const STALL_MS = 1_000;

interface Watched {
  socket: LivenessSocket;
  lastHeardAt: number;
  lastPingAt: number;
  lastBuffered: number;
}

export function createLiveness(options: LivenessOptions = {}): Liveness {
  const pingIntervalMs = options.pingIntervalMs ?? SERVER_PING_INTERVAL_MS;
  const deadAfterMs = options.deadAfterMs ?? DEAD_AFTER_MS;
  const tickMs = options.tickMs ?? DEFAULT_TICK_MS;
  const now = options.now ?? Date.now;
  const watched = new Set<Watched>();
  let lastTickAt = now();
  let terminated = 0;

  function tick(): void {
    const at = now();
    const stalled = at - lastTickAt > tickMs + STALL_MS;
    lastTickAt = at;
    for (const w of watched) {
      // Our queue to it shrank: the peer is reading (acking TCP data) even if its pong waits.
      const buffered = w.socket.bufferedAmount;
      if (buffered < w.lastBuffered) w.lastHeardAt = at;
      w.lastBuffered = buffered;
      if (stalled) w.lastHeardAt = Math.max(w.lastHeardAt, at - pingIntervalMs);
      if (at - w.lastHeardAt >= deadAfterMs) {
        watched.delete(w);
        terminated += 1;
        w.socket.terminate();
      } else if (at - w.lastHeardAt >= pingIntervalMs && at - w.lastPingAt >= pingIntervalMs) {
        w.lastPingAt = at;
        w.socket.ping();
      }
    }
  }

  const timer = setInterval(tick, tickMs);
  timer.unref();

  return {
    watch(socket) {
      const at = now();
      const w: Watched = { socket, lastHeardAt: at, lastPingAt: at, lastBuffered: 0 };
      watched.add(w);
      return {
        heard: () => {
          w.lastHeardAt = now();
        },
        remove: () => {
          watched.delete(w);
        },
      };
    },
    tick,
    stats: () => ({ watched: watched.size, terminated }),
    close() {
      clearInterval(timer);
      watched.clear();
    },
  };
}
