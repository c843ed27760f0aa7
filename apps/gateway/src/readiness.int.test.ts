import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './testing/harness.ts';

// A Redis that is not there (nothing listens on port 1): the node must still start, serve
// single-node traffic, and say it is not ready.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
}, 60_000);
afterAll(() => h?.close());

describe('readiness with Redis down', () => {
  it('answers /healthz but reports /readyz 503 with the bus down', async () => {
    const base = `http://localhost:${h.server.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', checks: { database: 'ok', bus: 'down' } });
  });
});
