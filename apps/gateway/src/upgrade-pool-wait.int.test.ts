// The socket edge when every pooled connection is busy: a session lookup that waited out one
// pool wait (DATABASE_CONNECT_TIMEOUT_MS) is tried once more before the socket is closed 1011.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './testing/harness.ts';

const WAIT_MS = 1000;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { DATABASE_POOL_SIZE: '2', DATABASE_CONNECT_TIMEOUT_MS: String(WAIT_MS) } });
});
afterAll(() => h?.close());

describe('the upgrade under a busy pool', () => {
  it('a lookup that outwaits the pool once gets its answer on the second wait: hello_ok, not 1011', async () => {
    const alice = await h.signUp('alice');
    const { pool } = h.server.deps.db;
    // Every connection busy for longer than one wait and shorter than two.
    const held = await Promise.all([pool.connect(), pool.connect()]);
    const releasedAt = Date.now() + WAIT_MS * 1.5;
    setTimeout(() => held.forEach((client) => client.release()), WAIT_MS * 1.5);
    const socket = await h.connect(alice);
    expect(Date.now()).toBeGreaterThanOrEqual(releasedAt - 50);
    expect(socket.frames.some((f) => f.type === 'hello_ok')).toBe(true);
  });
});
