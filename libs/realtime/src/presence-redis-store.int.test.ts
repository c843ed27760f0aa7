import type { UserPresence } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPresenceTracker, type PresenceTracker } from './presence-tracker.ts';
import { createRedisPresenceStore, type RedisPresenceStore } from './presence-redis-store.ts';
import { createCrashableTimers, type CrashableTimers } from './testing/crashable-timers.ts';
import { presenceStoreContract } from './testing/presence-store-contract.ts';
import { createRecordingLogger } from './testing/recording-logger.ts';
import { createRedisAdmin, runPrefix, testRedisUrl, waitFor, type RedisAdmin } from './testing/redis-admin.ts';

const { url, skip } = testRedisUrl();
const run = runPrefix();
const keyPrefix = `${run}:`;
// Short, so the whole file runs in a few seconds on a real clock.
const TTL_MS = 600;
const HEARTBEAT_MS = 150;
const SWEEP_MS = 50;
const GRACE_MS = 250;

describe.skipIf(skip)('redis presence store against a real Redis', () => {
  let admin: RedisAdmin;
  const stores: RedisPresenceStore[] = [];
  let counter = 0;

  beforeAll(() => {
    if (url === undefined) {
      throw new Error('CI=true but TEST_REDIS_URL is not set: the Redis presence tests must run in CI (e.g. TEST_REDIS_URL=redis://127.0.0.1:6379)');
    }
    admin = createRedisAdmin(url);
  });
  afterAll(async () => {
    for (const store of stores.splice(0)) await store.close();
    if (admin === undefined) return;
    const keys = await admin.redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await admin.redis.del(...keys);
    await admin.close();
  });

  /** One Redis connection per store: a store is what one gateway node holds. */
  async function store(prefix = keyPrefix): Promise<RedisPresenceStore> {
    const created = createRedisPresenceStore({ url: url!, keyPrefix: prefix, connectionName: `${run}-presence-${(counter += 1)}`, logger: createRecordingLogger() });
    stores.push(created);
    await created.waitUntilReady(3_000);
    return created;
  }

  describe('store contract', () => {
    let shared: RedisPresenceStore;
    beforeAll(async () => {
      shared = await store();
    });
    presenceStoreContract(
      () => ({
        store: shared,
        now: () => Date.now(),
        advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        slackMs: 40,
        user: (label) => `${run}-${label}-${(counter += 1)}`,
      }),
      { ttlMs: TTL_MS, graceMs: GRACE_MS },
    );
  });

  describe('two nodes', () => {
    const changes: Array<UserPresence & { node: string }> = [];
    const trackers: PresenceTracker[] = [];
    afterEach(async () => {
      // Each test's nodes go away with it, so only that test's survivors sweep its users.
      for (const tracker of trackers.splice(0)) await tracker.close();
    });

    async function node(nodeId: string, timers?: CrashableTimers): Promise<PresenceTracker> {
      const tracker = createPresenceTracker({
        store: await store(),
        nodeId: `${run}-${nodeId}`,
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
    const of = (userId: string) => changes.filter((c) => c.userId === userId).map((c) => `${c.status}@${c.node}`);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    it('shares one presence per user across nodes, announcing each transition once', async () => {
      const n1 = await node('n1');
      const n2 = await node('n2');
      const u = `${run}-spread`;
      await Promise.all([n1.connect(u, `${u}-phone`, 'idle'), n2.connect(u, `${u}-laptop`, 'idle')]);
      expect(of(u)).toHaveLength(1); // both raced to publish `away`: one won
      expect(of(u)[0]).toMatch(/^away@/);
      await n2.setState(`${u}-laptop`, 'active');
      await n1.disconnect(`${u}-phone`); // closing a tab elsewhere keeps them online
      await sleep(GRACE_MS + HEARTBEAT_MS * 2);
      expect(of(u).slice(1)).toEqual(['online@n2']);
      expect(await n1.statuses([u])).toEqual([{ userId: u, status: 'online', lastSeenAt: null }]);

      // A reload that lands on the other node within the grace: no flicker.
      await n2.disconnect(`${u}-laptop`);
      await sleep(GRACE_MS / 3);
      await n1.connect(u, `${u}-laptop-reloaded`);
      await sleep(GRACE_MS * 2);
      expect(of(u)).toHaveLength(2);

      const leftAt = Date.now();
      await n1.disconnect(`${u}-laptop-reloaded`);
      await waitFor('offline', () => of(u).length === 3, GRACE_MS + 1_000);
      const offline = changes.filter((c) => c.userId === u).at(-1)!;
      expect(offline.status).toBe('offline');
      expect(Math.abs(Date.parse(offline.lastSeenAt!) - leftAt)).toBeLessThan(50);
      await sleep(SWEEP_MS * 4);
      expect(of(u)).toHaveLength(3); // n2's sweep did not announce it a second time
    });

    it('takes the users of a crashed node offline within the TTL, via the surviving node', async () => {
      const crashing = createCrashableTimers();
      const survivor = await node('survivor');
      const doomed = await node('doomed', crashing);
      const both = `${run}-both`;
      const only = `${run}-only-doomed`;
      await survivor.connect(both, `${both}-1`);
      await doomed.connect(both, `${both}-2`);
      await doomed.connect(only, `${only}-1`);
      await sleep(TTL_MS + HEARTBEAT_MS); // heartbeats carry everyone past the first TTL
      expect(of(only)).toEqual(['online@doomed']);

      crashing.crash(); // kill -9: no close(), no more heartbeats
      const crashedAt = Date.now();
      await waitFor('crashed user offline', () => of(only).length === 2, TTL_MS + SWEEP_MS + 1_000);
      expect(Date.now() - crashedAt).toBeLessThanOrEqual(TTL_MS + SWEEP_MS + 200);
      expect(of(only)).toEqual(['online@doomed', 'offline@survivor']);
      expect(of(both)).toEqual(['online@survivor']);
      expect(await survivor.statuses([both])).toEqual([{ userId: both, status: 'online', lastSeenAt: null }]);
      trackers.splice(trackers.indexOf(doomed), 1); // never closed: it "died"
    });

    it("splits a crashed node's thousands of users between the surviving nodes' sweeps, each announced offline once", async () => {
      // Sweeps run only when called here (long interval), so the test sees what one sweep does;
      // a key space of its own, so no other test's due users are in it.
      const crowdPrefix = `${keyPrefix}crowd:`;
      const sweeper = async (nodeId: string) => {
        const tracker = createPresenceTracker({
          store: await store(crowdPrefix),
          nodeId: `${run}-${nodeId}`,
          graceMs: GRACE_MS,
          ttlMs: TTL_MS,
          heartbeatMs: HEARTBEAT_MS,
          sweepMs: 600_000,
          sweepBatch: 100,
          onChange: (presence) => changes.push({ ...presence, node: nodeId }),
          logger: createRecordingLogger(),
        });
        trackers.push(tracker);
        return tracker;
      };
      const a = await sweeper('sweeper-a');
      const b = await sweeper('sweeper-b');
      // The crashed node: its entries were written (as by its heartbeats), then nothing more.
      const count = 3_000;
      const users = Array.from({ length: count }, (_, i) => `${run}-crowd-${i}`);
      const dead = await store(crowdPrefix);
      for (const userId of users) await dead.upsertConnection({ userId, connectionId: `${userId}-c`, nodeId: `${run}-dead`, state: 'active' }, { ttlMs: TTL_MS, graceMs: GRACE_MS });
      await sleep(TTL_MS + 50);

      const [byA, byB] = await Promise.all([a.sweep(), b.sweep()]);
      // Each sweep went past its first batch of 100, and neither settled what the other had.
      expect(byA + byB).toBe(count);
      expect(byA).toBeGreaterThan(100);
      expect(byB).toBeGreaterThan(100);
      const offline = changes.filter((c) => c.userId.startsWith(`${run}-crowd-`) && c.status === 'offline');
      expect(offline).toHaveLength(count);
      expect(new Set(offline.map((c) => c.userId)).size).toBe(count);
      expect(await a.sweep()).toBe(0); // nothing is due any more
    });
  });
});
