import { randomUUID } from 'node:crypto';
import type { PublicUser } from '@parley/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestUser } from '../testing/index.ts';
import { useTestDb } from '../testing/use-test-db.ts';
import { createUpload, type NewUpload } from './uploads.ts';

const t = useTestDb();
let alice: PublicUser;
let bob: PublicUser;

beforeAll(async () => {
  alice = await createTestUser(t.db, 'ua');
  bob = await createTestUser(t.db, 'ub');
});

const upload = (overrides: Partial<NewUpload> = {}): NewUpload => ({
  id: randomUUID(),
  uploaderId: alice.id,
  name: 'photo.png',
  size: 10,
  mime: 'image/png',
  sha256: 'aa',
  width: 4,
  height: 3,
  thumbnail: { width: 4, height: 3 },
  ...overrides,
});

describe('createUpload', () => {
  it('completed twice at once under one id (a direct upload finished on two nodes): one row, both answered with it', async () => {
    const first = upload();
    const answers = await Promise.all(Array.from({ length: 4 }, () => createUpload(t.db, first)));
    for (const answer of answers) expect(answer).toEqual({ id: first.id, name: 'photo.png', size: 10, mime: 'image/png', width: 4, height: 3, thumbnail: { width: 4, height: 3 } });
    const { rows } = await t.db.pool.query('SELECT count(*)::int AS n FROM uploads WHERE id = $1', [first.id]);
    expect(rows[0].n).toBe(1);
  });

  it('refuses the same id with other bytes or another uploader, keeping the first row', async () => {
    const first = upload();
    await createUpload(t.db, first);
    await expect(createUpload(t.db, { ...first, sha256: 'bb' })).rejects.toThrow(/other content/);
    await expect(createUpload(t.db, { ...first, uploaderId: bob.id })).rejects.toThrow(/other content/);
    const { rows } = await t.db.pool.query('SELECT uploader_id::text AS uploader, sha256 FROM uploads WHERE id = $1', [first.id]);
    expect(rows).toEqual([{ uploader: alice.id, sha256: 'aa' }]);
  });
});
