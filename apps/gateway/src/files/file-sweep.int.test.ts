import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createUpload, type Db } from '@parley/db';
import { createTestDatabase, createTestUser, type TestDatabase } from '@parley/db/testing';
import { fileKey, thumbnailKey, type BlobStore } from './blob-store.ts';
import { startFileSweep } from './file-sweep.ts';
import { createLocalBlobStore } from './local-blob-store.ts';

// Two gateway nodes sweep one store (real Postgres, real files): one at a time, each file once.

let testDb: TestDatabase;
let nodeA: Db;
let nodeB: Db;
let scratch: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  // Two pools, as two nodes have.
  nodeA = createDb({ databaseUrl: testDb.databaseUrl, poolMax: 4 });
  nodeB = createDb({ databaseUrl: testDb.databaseUrl, poolMax: 4 });
  scratch = await mkdtemp(join(tmpdir(), 'parley-sweep-test-'));
});
afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
  await testDb?.drop();
  await rm(scratch, { recursive: true, force: true });
});

/** The real local store, counting removals per key; `gate` holds the first removal until it resolves. */
function countingStore(root: string, removals: Map<string, number>, gate?: Promise<void>): BlobStore {
  const store = createLocalBlobStore(root);
  let first = true;
  return {
    ...store,
    async remove(key) {
      removals.set(key, (removals.get(key) ?? 0) + 1);
      if (first && gate) {
        first = false;
        await gate;
      }
      await store.remove(key);
    },
  };
}

/** `count` uploads with bytes in the store, already `discarded` (their message was deleted). */
async function discardedFiles(root: string, count: number): Promise<string[]> {
  const store = createLocalBlobStore(root);
  const owner = await createTestUser(nodeA, 'sweep');
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const path = join(scratch, `${id}.part`);
    await writeFile(path, `file ${i}`);
    await store.put(fileKey(id), path, 6, 'text/plain');
    await createUpload(nodeA, { id, uploaderId: owner.id, name: `${i}.txt`, size: 6, mime: 'text/plain', sha256: 'x', width: null, height: null, thumbnail: null });
    ids.push(id);
  }
  await nodeA.pool.query(`UPDATE uploads SET state = 'discarded' WHERE id = ANY($1::uuid[])`, [ids]);
  return ids;
}

describe('the file sweep on two nodes', () => {
  it('runs on one node at a time: the other skips while it runs, and every file is removed exactly once', async () => {
    const root = join(scratch, 'store');
    const ids = await discardedFiles(root, 5);
    const removals = new Map<string, number>();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const common = { logger: pino({ level: 'silent' }), orphanAfterMs: 86_400_000, intervalMs: 3_600_000, tmpDir: join(scratch, 'tmp') };
    const a = startFileSweep({ ...common, db: nodeA, store: countingStore(root, removals, gate) });
    const b = startFileSweep({ ...common, db: nodeB, store: countingStore(root, removals) });
    try {
      // A claims the rows and stops in its first removal; B runs its whole pass meanwhile.
      const passA = a.runOnce();
      await expect.poll(() => removals.size).toBeGreaterThan(0);
      expect(await b.runOnce()).toBe(0);
      release();
      expect(await passA).toBe(ids.length);

      for (const id of ids) {
        expect(removals.get(fileKey(id))).toBe(1);
        expect(removals.get(thumbnailKey(id))).toBe(1);
      }
      expect((await nodeA.pool.query('SELECT 1 FROM uploads WHERE id = ANY($1::uuid[])', [ids])).rowCount).toBe(0);
      expect(await readdir(join(root, 'files'))).toEqual([]);
      // The lock went with A's pass: B sweeps the next time.
      const more = await discardedFiles(root, 1);
      expect(await b.runOnce()).toBe(1);
      expect(removals.get(fileKey(more[0]!))).toBe(1);
    } finally {
      release();
      await a.close();
      await b.close();
    }
  });
});
