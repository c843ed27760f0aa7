import { afterEach, describe, expect, it } from 'vitest';
import { createLiveness, type Liveness, type LivenessSocket } from './liveness.ts';

const PING_MS = 5_000;
const DEAD_MS = 12_000;
const TICK_MS = 1_000;

let now = 0;
let liveness: Liveness;
afterEach(() => liveness?.close());

function fakeSocket() {
  const socket = { pings: 0, terminated: false, bufferedAmount: 0 } satisfies Partial<LivenessSocket> & Record<string, unknown>;
  return Object.assign(socket, {
    ping() {
      socket.pings += 1;
    },
    terminate() {
      socket.terminated = true;
    },
  });
}

/** Advances the clock one tick at a time, as the timer would. */
function advance(ms: number, each?: () => void): void {
  for (let elapsed = 0; elapsed < ms; elapsed += TICK_MS) {
    now += TICK_MS;
    each?.();
    liveness.tick();
  }
}

function start() {
  now = 0;
  // A huge real interval: the test drives every tick itself.
  liveness = createLiveness({ pingIntervalMs: PING_MS, deadAfterMs: DEAD_MS, tickMs: TICK_MS, now: () => now });
}

describe('liveness', () => {
  it('pings a silent socket every interval and ends it once silent for deadAfterMs, within one tick', () => {
    start();
    const silent = fakeSocket();
    liveness.watch(silent);
    advance(PING_MS);
    expect(silent.pings).toBe(1);
    advance(DEAD_MS - PING_MS - TICK_MS);
    expect(silent.terminated).toBe(false);
    expect(silent.pings).toBe(2);
    advance(TICK_MS);
    expect(silent.terminated).toBe(true);
    expect(liveness.stats()).toEqual({ watched: 0, terminated: 1 });
  });

  it('keeps a socket that answers its pings, and does not ping one that sends frames', () => {
    start();
    const answering = fakeSocket();
    const chatty = fakeSocket();
    const a = liveness.watch(answering);
    const c = liveness.watch(chatty);
    let pingsSeen = 0;
    advance(10 * DEAD_MS, () => {
      c.heard(); // a frame every second
      if (answering.pings > pingsSeen) {
        pingsSeen = answering.pings;
        a.heard(); // the pong
      }
    });
    expect([answering.terminated, chatty.terminated]).toEqual([false, false]);
    expect(answering.pings).toBeGreaterThanOrEqual((10 * DEAD_MS) / (PING_MS + TICK_MS) - 1); // each ping answered on the next tick
    expect(chatty.pings).toBe(0);
  });

  it('counts a send queue that drains as life (its pong waits behind the data), and one that does not as death', () => {
    start();
    const draining = fakeSocket();
    const stuck = fakeSocket();
    liveness.watch(draining);
    liveness.watch(stuck);
    draining.bufferedAmount = stuck.bufferedAmount = 4_000_000;
    advance(3 * DEAD_MS, () => {
      draining.bufferedAmount = Math.max(1, draining.bufferedAmount - 50_000);
    });
    expect(draining.terminated).toBe(false);
    expect(stuck.terminated).toBe(true);
  });

  it('ends nobody on a tick that comes late after the event loop was stuck', () => {
    start();
    const socket = fakeSocket();
    const w = liveness.watch(socket);
    advance(PING_MS);
    w.heard();
    now += 30_000; // the loop was busy: the pong may be sitting unread in the socket
    liveness.tick();
    expect(socket.terminated).toBe(false);
    advance(DEAD_MS);
    expect(socket.terminated).toBe(true);
  });
});
