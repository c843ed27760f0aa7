import type { UserPresence } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryPresenceStore } from './presence-memory-store.ts';
import type { PresenceStore } from './presence-store.ts';
import { createPresenceTracker, type PresenceTracker } from './presence-tracker.ts';
import { createCrashableTimers, type CrashableTimers } from './testing/crashable-timers.ts';
import { createRecordingLogger } from './testing/recording-logger.ts';

const GRACE_MS = 8_000;
const TTL_MS = 15_000;
const HEARTBEAT_MS = 5_000;
const SWEEP_MS = 2_000;
const START = Date.parse('2030-01-01T00:00:00.000Z');

describe('presence tracker (memory store, fake timers)', () => {
  let store: PresenceStore;
  let changes: Array<UserPresence & { node: string }>;
  const trackers: PresenceTracker[] = [];

  beforeEach(() => {
    vi.useFakeTimers({ now: START });
    store = createMemoryPresenceStore();
    changes = [];
  });
  afterEach(async () => {
    for (const tracker of trackers.splice(0)) await tracker.close();
    vi.useRealTimers();
  });

  function node(nodeId: string, timers?: CrashableTimers): PresenceTracker {
    const tracker = createPresenceTracker({
      store,
      nodeId,
      graceMs: GRACE_MS,
      ttlMs: TTL_MS,
      heartbeatMs: HEARTBEAT_MS,
      sweepMs: SWEEP_MS,
      onChange: (presence) => changes.push({ ...presence, node: nodeId }),
      logger: createRecordingLogger(),
      ...(timers === undefined ? {} : { timers }),
    });
    trackers.push(tracker);
    return tracker;
  }
  const statuses = () => changes.map((c) => c.status);
  const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);
  const iso = (ms: number) => new Date(ms).toISOString();

  it('keeps a user online while any tab is open', async () => {
    const n1 = node('n1');
    await n1.connect('u1', 'tab1');
    await n1.connect('u1', 'tab2');
    await n1.disconnect('tab1');
    await advance(GRACE_MS * 3);
    expect(changes).toEqual([{ userId: 'u1', status: 'online', lastSeenAt: null, node: 'n1' }]);
    expect(await n1.statuses(['u1'])).toEqual([{ userId: 'u1', status: 'online', lastSeenAt: null }]);
  });

  it('is away when every connection is idle and online again when one is active', async () => {
    const n1 = node('n1');
    await n1.connect('u1', 'tab1');
    await n1.connect('u1', 'tab2', 'idle');
    await n1.setState('tab1', 'idle');
    await n1.setState('tab1', 'idle'); // unchanged: no store call, no event
    await n1.setState('tab2', 'active');
    await n1.setState('unknown', 'active'); // ignored
    expect(statuses()).toEqual(['online', 'away', 'online']);
  });

  it('does not flicker on a reload within the grace, and goes offline after it with lastSeenAt', async () => {
    const n1 = node('n1');
    await n1.connect('u1', 'tab1');
    await advance(1_000);
    await n1.disconnect('tab1');
    await advance(GRACE_MS - 1_000);
    await n1.connect('u1', 'tab1-reloaded');
    await advance(GRACE_MS * 2);
    expect(statuses()).toEqual(['online']);

    const leftAt = Date.now();
    await n1.disconnect('tab1-reloaded');
    await advance(GRACE_MS - 1);
    expect(statuses()).toEqual(['online']);
    await advance(1);
    expect(changes.at(-1)).toEqual({ userId: 'u1', status: 'offline', lastSeenAt: iso(leftAt), node: 'n1' });
    await advance(GRACE_MS * 2);
    expect(statuses()).toEqual(['online', 'offline']);
  });

  it('marks the users of a node that stopped heartbeating offline within ttl + sweep', async () => {
    const crashing = createCrashableTimers();
    const n1 = node('n1');
    const n2 = node('n2', crashing);
    await n1.connect('both', 'both-on-1');
    await n2.connect('both', 'both-on-2');
    await n2.connect('only2', 'only2-tab');
    await advance(HEARTBEAT_MS * 3); // heartbeats keep everyone alive past the first TTL
    expect(statuses()).toEqual(['online', 'online']);

    const lastHeartbeat = Date.now() - ((Date.now() - START) % HEARTBEAT_MS);
    crashing.crash();
    const crashedAt = Date.now();
    await advance(TTL_MS + SWEEP_MS);
    expect(Date.now() - crashedAt).toBeLessThanOrEqual(TTL_MS + SWEEP_MS);
    expect(changes.slice(2)).toEqual([{ userId: 'only2', status: 'offline', lastSeenAt: iso(lastHeartbeat), node: 'n1' }]);
    expect(await store.aggregate('both')).toEqual({ active: 1, idle: 0 }); // n1's connection lives on
  });

  it('announces each transition once for a user spread over two nodes', async () => {
    const n1 = node('n1');
    const n2 = node('n2');
    await n1.connect('u1', 'phone', 'idle');
    await n2.connect('u1', 'laptop', 'idle');
    await n2.setState('laptop', 'active');
    await n1.disconnect('phone');
    await advance(GRACE_MS * 2);
    expect(changes.map((c) => `${c.status}@${c.node}`)).toEqual(['away@n1', 'online@n2']);

    await n2.disconnect('laptop');
    await advance(GRACE_MS + SWEEP_MS);
    expect(changes.map((c) => c.status)).toEqual(['away', 'online', 'offline']);
  });

  it('close() removes this node only: users elsewhere stay, users only here go offline after the grace', async () => {
    const n1 = node('n1');
    const n2 = node('n2');
    await n1.connect('both', 'b1');
    await n2.connect('both', 'b2');
    await n1.connect('only1', 'o1');
    await n1.close();
    await expect(n1.connect('x', 'x1')).rejects.toThrow('closed');
    await advance(GRACE_MS + SWEEP_MS);
    expect(changes.map((c) => `${c.userId}:${c.status}@${c.node}`)).toEqual(['both:online@n1', 'only1:online@n1', 'only1:offline@n2']);
  });

  it('heals a store outage: failures are logged, the next heartbeat re-creates the entry', async () => {
    const failing = createMemoryPresenceStore();
    let down = true;
    const flaky: PresenceStore = {
      ...failing,
      upsertConnection: (...args) => (down ? Promise.reject(new Error('redis down')) : failing.upsertConnection(...args)),
    };
    store = flaky;
    const logger = createRecordingLogger();
    const tracker = createPresenceTracker({ store, nodeId: 'n1', onChange: (p) => changes.push({ ...p, node: 'n1' }), logger });
    trackers.push(tracker);
    await tracker.connect('u1', 'c1');
    expect(changes).toEqual([]);
    expect(logger.entries.map((e) => e.msg)).toEqual(['presence store operation failed']);
    down = false;
    await advance(5_000); // default heartbeat
    expect(statuses()).toEqual(['online']);
  });
});
