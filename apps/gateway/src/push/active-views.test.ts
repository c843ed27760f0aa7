import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Db } from '@parley/db';
import { ACTIVE_VIEW_FRESH_MS, ACTIVE_VIEW_RENEW_MS, createActiveViews, VIEW_WRITE_SPACING_MS } from './active-views.ts';

const A = '3c9b1f2e-7a44-4d0b-8c1e-5f6a7b8c9d0e';
const B = '9b2e3f40-1a2b-4c3d-8e9f-0a1b2c3d4e5f';

function recordingDb() {
  const writes: Array<{ sql: string; params: unknown[] }> = [];
  const db = { pool: { query: async (sql: string, params: unknown[] = []) => (writes.push({ sql, params }), { rows: [], rowCount: 1 }) } } as unknown as Db;
  return { db, writes };
}

describe('active views', () => {
  it('a view counts for 60 s after its last renewal, as PROTOCOL.md §2 promises, and is renewed well within that', () => {
    // What the freshness does is tested against Postgres (libs/db push-recipients.int.test.ts).
    expect(ACTIVE_VIEW_FRESH_MS).toBe(60_000);
    expect(ACTIVE_VIEW_RENEW_MS * 2).toBeLessThan(ACTIVE_VIEW_FRESH_MS);
  });

  it('a burst of changes from one socket writes only the first and the last (at most one write per spacing)', async () => {
    const { db, writes } = recordingDb();
    const views = createActiveViews({ db, nodeId: 'n1', logger: pino({ level: 'silent' }) });
    for (let i = 0; i < 100; i++) views.report({ connectionId: 'c1', userId: 'u1', state: 'active', viewing: i % 2 ? A : B });
    views.report({ connectionId: 'c1', userId: 'u1', state: 'active', viewing: A });
    await new Promise((resolve) => setTimeout(resolve, VIEW_WRITE_SPACING_MS + 100));
    expect(writes.map((w) => w.params[2])).toEqual([B, A]);
    // Idle (or hidden) clears it, and a closed socket's view is deleted.
    views.report({ connectionId: 'c1', userId: 'u1', state: 'idle', viewing: A });
    await new Promise((resolve) => setTimeout(resolve, VIEW_WRITE_SPACING_MS + 100));
    expect(writes.at(-1)?.sql).toContain('DELETE FROM active_views WHERE connection_id');
    views.report({ connectionId: 'c2', userId: 'u1', state: 'idle', viewing: null });
    expect(writes).toHaveLength(3); // a socket that never viewed anything writes nothing
    await views.close();
  });

  it('a failed write is not retried in a loop while Postgres fails; the next report writes again', async () => {
    let calls = 0;
    let failing = true;
    const db = {
      pool: {
        query: async () => {
          calls += 1;
          if (failing) throw new Error('connection terminated');
          return { rows: [], rowCount: 1 };
        },
      },
    } as unknown as Db;
    const views = createActiveViews({ db, nodeId: 'n1', logger: pino({ level: 'silent' }) });
    views.report({ connectionId: 'c1', userId: 'u1', state: 'active', viewing: A });
    await new Promise((resolve) => setTimeout(resolve, VIEW_WRITE_SPACING_MS * 4));
    expect(calls).toBe(1);
    failing = false;
    views.report({ connectionId: 'c1', userId: 'u1', state: 'active', viewing: A });
    await new Promise((resolve) => setTimeout(resolve, VIEW_WRITE_SPACING_MS + 100));
    expect(calls).toBe(2);
    await views.close();
  });
});
