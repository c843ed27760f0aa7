import { expect, it } from 'vitest';
import type { PresenceStore } from '../presence-store.ts';

/** A store under test plus its clock: fake (memory) or real, with a tolerance in ms. */
export interface StoreHarness {
  store: PresenceStore;
  /** Epoch ms as the store sees it. */
  now(): number;
  advance(ms: number): Promise<void>;
  /** Allowed difference between the store's clock and now() (0 for a fake clock). */
  slackMs: number;
  /** A unique user id (so runs sharing one Redis never collide). */
  user(label: string): string;
}

export interface ContractTimings {
  ttlMs: number;
  graceMs: number;
}

/**
 * The PresenceStore contract, run against the memory store (fake clock) and against Redis
 * (real clock, short timings): both must decide every transition the same way.
 */
export function presenceStoreContract(setup: () => StoreHarness, { ttlMs, graceMs }: ContractTimings): void {
  const opts = { ttlMs, graceMs };
  const within = (value: number | undefined, from: number, to: number, slack: number) => {
    expect(value).toBeGreaterThanOrEqual(from - slack);
    expect(value).toBeLessThanOrEqual(to + slack);
  };
  const ms = (iso: string | null) => (iso === null ? undefined : Date.parse(iso));
  const swept = async (store: PresenceStore, limit = 1_000) => (await store.sweepDue(limit, graceMs)).map((r) => r.presence.userId);

  it('aggregates connections: online if any is active, away if all idle; each change reported once', async () => {
    const { store, user } = setup();
    const u = user('agg');
    const first = await store.upsertConnection({ userId: u, connectionId: 'c1', nodeId: 'n1', state: 'active' }, opts);
    expect(first).toEqual({ presence: { userId: u, status: 'online', lastSeenAt: null }, changed: true, recheckInMs: null });
    const second = await store.upsertConnection({ userId: u, connectionId: 'c2', nodeId: 'n2', state: 'idle' }, opts);
    expect(second.changed).toBe(false);
    expect(await store.aggregate(u)).toEqual({ active: 1, idle: 1 });

    const idle = await store.upsertConnection({ userId: u, connectionId: 'c1', nodeId: 'n1', state: 'idle' }, opts);
    expect(idle).toMatchObject({ presence: { status: 'away' }, changed: true });
    expect((await store.upsertConnection({ userId: u, connectionId: 'c2', nodeId: 'n2', state: 'idle' }, opts)).changed).toBe(false);
    const back = await store.upsertConnection({ userId: u, connectionId: 'c2', nodeId: 'n2', state: 'active' }, opts);
    expect(back).toMatchObject({ presence: { status: 'online' }, changed: true });
    const closeTab = await store.removeConnection(u, 'c1', graceMs);
    expect(closeTab).toMatchObject({ presence: { status: 'online' }, changed: false, recheckInMs: null });
    expect(await store.getStatuses([u, user('never')])).toEqual([
      { userId: u, status: 'online', lastSeenAt: null },
      { userId: expect.any(String), status: 'offline', lastSeenAt: null },
    ]);
  });

  it('keeps the status through the grace, cancels it on reconnect, then goes offline with lastSeenAt', async () => {
    const h = setup();
    const { store } = h;
    const u = h.user('grace');
    await store.upsertConnection({ userId: u, connectionId: 'c1', nodeId: 'n1', state: 'active' }, opts);
    const gone = await store.removeConnection(u, 'c1', graceMs);
    expect(gone).toMatchObject({ presence: { status: 'online' }, changed: false });
    within(gone.recheckInMs ?? undefined, graceMs, graceMs, h.slackMs);
    await h.advance(graceMs / 2);
    const reload = await store.upsertConnection({ userId: u, connectionId: 'c2', nodeId: 'n1', state: 'active' }, opts);
    expect(reload).toMatchObject({ changed: false, recheckInMs: null });
    expect(await swept(store)).not.toContain(u);

    const leftFrom = h.now();
    await store.removeConnection(u, 'c2', graceMs);
    const leftTo = h.now();
    await h.advance(graceMs / 2);
    expect((await store.settle(u, graceMs)).changed).toBe(false);
    await h.advance(graceMs / 2 + h.slackMs);
    const offline = (await store.sweepDue(1_000, graceMs)).find((r) => r.presence.userId === u); // the sweeper's settle
    expect(offline).toMatchObject({ presence: { status: 'offline' }, changed: true, recheckInMs: null });
    if (offline === undefined) throw new Error('unreachable');
    within(ms(offline.presence.lastSeenAt), leftFrom, leftTo, h.slackMs);
    expect((await store.settle(u, graceMs)).changed).toBe(false); // exactly once
    expect(await swept(store)).not.toContain(u);
    expect((await store.getStatuses([u]))[0]).toEqual(offline.presence);
  });

  it('expires connections that stop being refreshed; refreshNode keeps them and reports re-created ones', async () => {
    const h = setup();
    const { store } = h;
    const alive = h.user('alive');
    const crashed = h.user('crashed');
    await store.upsertConnection({ userId: alive, connectionId: 'a1', nodeId: 'n1', state: 'active' }, opts);
    const seenFrom = h.now();
    await store.upsertConnection({ userId: crashed, connectionId: 'b1', nodeId: 'n2', state: 'idle' }, opts);
    const seenTo = h.now();
    await h.advance(ttlMs / 2);
    expect(await store.refreshNode('n1', [{ userId: alive, connectionId: 'a1', state: 'active' }], ttlMs)).toEqual([]);
    await h.advance(ttlMs / 2 + h.slackMs + 1);

    expect(await store.aggregate(crashed)).toEqual({ active: 0, idle: 0 }); // expired, even before a sweep
    expect(await store.aggregate(alive)).toEqual({ active: 1, idle: 0 });
    const due = await store.sweepDue(1_000, graceMs);
    expect(due.map((r) => r.presence.userId)).not.toContain(alive);
    const gone = due.find((r) => r.presence.userId === crashed); // grace < ttl: already elapsed since the last refresh
    expect(gone).toMatchObject({ presence: { status: 'offline' }, changed: true });
    within(ms(gone?.presence.lastSeenAt ?? null), seenFrom, seenTo, h.slackMs);

    // A node that was paused past its TTL re-creates its entry on the next heartbeat.
    expect(await store.refreshNode('n2', [{ userId: crashed, connectionId: 'b1', state: 'idle' }], ttlMs)).toEqual([crashed]);
    expect(await store.settle(crashed, graceMs)).toMatchObject({ presence: { status: 'away' }, changed: true });
  });

  it("sweeps due users in one step: a sweep at the same moment gets none of them, a grace still running comes back later", async () => {
    const h = setup();
    const { store } = h;
    const crashed = ['a', 'b', 'c'].map((label) => h.user(`swept-${label}`));
    for (const userId of crashed) await store.upsertConnection({ userId, connectionId: 'c1', nodeId: 'dead', state: 'active' }, opts);
    const inGrace = h.user('swept-grace');
    await store.upsertConnection({ userId: inGrace, connectionId: 'g1', nodeId: 'n1', state: 'active' }, opts);
    await h.advance(ttlMs + h.slackMs + 1); // the dead node stopped heartbeating: its entries expired
    await store.refreshNode('n1', [{ userId: inGrace, connectionId: 'g1', state: 'active' }], ttlMs);
    await store.removeConnection(inGrace, 'g1', graceMs); // a tab closed: the grace starts now
    const mine = [...crashed, inGrace];
    const own = (results: Awaited<ReturnType<PresenceStore['sweepDue']>>) => results.filter((r) => mine.includes(r.presence.userId));

    const [first, second] = await Promise.all([store.sweepDue(1_000, graceMs), store.sweepDue(1_000, graceMs)]); // two nodes' sweeps
    const both = [...own(first), ...own(second)];
    expect(both.map((r) => r.presence.userId).sort()).toEqual([...crashed].sort()); // each once; the grace is not due yet
    expect(both.every((r) => r.changed && r.presence.status === 'offline')).toBe(true);
    expect(own(await store.sweepDue(1_000, graceMs))).toEqual([]);

    await h.advance(graceMs + h.slackMs + 1);
    expect(own(await store.sweepDue(1_000, graceMs))).toMatchObject([{ presence: { userId: inGrace, status: 'offline' }, changed: true }]);
  });
}
