import { describe, expect, it } from 'vitest';
import { createMemoryPresenceStore } from './presence-memory-store.ts';
import { presenceStoreContract } from './testing/presence-store-contract.ts';

describe('memory presence store', () => {
  let counter = 0;
  presenceStoreContract(
    () => {
      let clock = 1_700_000_000_000;
      return {
        store: createMemoryPresenceStore({ now: () => clock }),
        now: () => clock,
        advance: async (ms) => {
          clock += ms;
        },
        slackMs: 0,
        user: (label) => `${label}-${(counter += 1)}`,
      };
    },
    { ttlMs: 15_000, graceMs: 8_000 },
  );

  it('forgets offline users after the retention (bounded memory)', async () => {
    let clock = 0;
    const store = createMemoryPresenceStore({ now: () => clock, retentionMs: 1_000 });
    await store.upsertConnection({ userId: 'u', connectionId: 'c', nodeId: 'n', state: 'active' }, { ttlMs: 100, graceMs: 10 });
    await store.removeConnection('u', 'c', 10);
    clock = 20;
    expect(await store.sweepDue(10, 10)).toEqual([{ presence: { userId: 'u', status: 'offline', lastSeenAt: new Date(0).toISOString() }, changed: true, recheckInMs: null }]);
    expect((await store.getStatuses(['u']))[0]).toMatchObject({ status: 'offline', lastSeenAt: new Date(0).toISOString() });
    clock = 2_000;
    expect(await store.sweepDue(10, 10)).toEqual([]);
    expect((await store.getStatuses(['u']))[0]).toEqual({ userId: 'u', status: 'offline', lastSeenAt: null });
  });
});
