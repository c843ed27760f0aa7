import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeS3 } from '../testing/fake-s3.ts';
import { fileKey, incomingKey, thumbnailKey, type BlobStore } from './blob-store.ts';
import { copyStore } from './copy-store.ts';
import { createLocalBlobStore } from './local-blob-store.ts';
import { createS3BlobStore } from './s3-blob-store.ts';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'parley-blob-test-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** A finished temporary file, as the upload path hands one to a store. */
async function tempFile(content: string): Promise<string> {
  const path = join(scratch, `${randomUUID()}.part`);
  await writeFile(path, content);
  return path;
}

/** What every store must do; run against each implementation below. */
function storeContract(open: () => BlobStore) {
  it('stores, reads back, and removes an object', async () => {
    const store = open();
    await store.check();
    const key = fileKey(randomUUID());
    await store.put(key, await tempFile('hello files'), 11, 'text/plain');
    const object = await store.get(key);
    expect(object?.size).toBe(11);
    expect(await text(object!.body)).toBe('hello files');
    await store.remove(key);
    expect(await store.get(key)).toBeNull();
  });

  it('answers null for a missing object and removes a missing one quietly', async () => {
    const store = open();
    expect(await store.get(thumbnailKey(randomUUID()))).toBeNull();
    await expect(store.remove(fileKey(randomUUID()))).resolves.toBeUndefined();
  });

  it('lists a folder with sizes: files under files/, thumbnails under thumbs/, never incoming/', async () => {
    const store = open();
    await store.check();
    const id = randomUUID();
    await store.put(fileKey(id), await tempFile('listed!'), 7, 'text/plain');
    await store.put(thumbnailKey(id), await tempFile('th'), 2, 'image/webp');
    await store.put(incomingKey(id), await tempFile('unchecked'), 9, 'application/octet-stream');
    const listed = async (folder: 'files' | 'thumbs') => {
      const all: Array<{ key: string; size: number }> = [];
      for await (const entry of store.list(folder)) all.push(entry);
      return all;
    };
    const files = await listed('files');
    expect(files).toContainEqual({ key: fileKey(id), size: 7 });
    expect(files.every((f) => f.key.startsWith('files/'))).toBe(true);
    expect(await listed('thumbs')).toContainEqual({ key: thumbnailKey(id), size: 2 });
    for (const key of [fileKey(id), thumbnailKey(id), incomingKey(id)]) await store.remove(key);
    expect((await listed('files')).map((f) => f.key)).not.toContain(fileKey(id));
  });

  it('refuses any key not made from an upload id (no name ever reaches the store)', async () => {
    const store = open();
    for (const key of ['files/../../etc/passwd', '../x', 'files/', `files/${randomUUID()}/../x`, 'other/' + randomUUID()]) {
      await expect(store.get(key)).rejects.toThrow(/not a blob key/);
      await expect(store.put(key, await tempFile('x'), 1, 'text/plain')).rejects.toThrow(/not a blob key/);
    }
  });
}

describe('local disk store', () => {
  const root = () => join(scratch, 'local');
  storeContract(() => createLocalBlobStore(root()));

  it('moves the temporary file into place: no copy is left behind', async () => {
    const store = createLocalBlobStore(root());
    const id = randomUUID();
    const path = await tempFile('moved');
    await store.put(fileKey(id), path, 5, 'text/plain');
    expect(await readdir(scratch)).not.toContain(path.split('/').pop());
    expect(await readdir(join(root(), 'files'))).toContain(id);
  });
});

// FAKE S3: s3rver 3.7.1 (see testing/fake-s3.ts); no real S3-compatible server installs here.
describe('S3 store against a FAKE S3 (s3rver 3.7.1, started by the test)', () => {
  let fake: Awaited<ReturnType<typeof startFakeS3>>;
  const stores: Array<ReturnType<typeof createS3BlobStore>> = [];
  beforeAll(async () => {
    fake = await startFakeS3();
  });
  afterAll(async () => {
    for (const store of stores) store.close();
    await fake?.stop();
  });
  const open = () => {
    const store = createS3BlobStore(fake.settings);
    stores.push(store);
    return store;
  };
  storeContract(open);

  it('fails its readiness check for a bucket that does not exist', async () => {
    const store = createS3BlobStore({ ...fake.settings, bucket: 'no-such-bucket' });
    stores.push(store);
    await expect(store.check()).rejects.toThrow();
  });
});

describe('copyStore: moving an install between local disk and S3 (FAKE S3)', () => {
  it('copies every file and thumbnail byte for byte, both ways, skips what is there, rewrites what broke off', async () => {
    const fake = await startFakeS3();
    const s3 = createS3BlobStore({ ...fake.settings, prefix: `copy-${randomUUID()}/` });
    try {
      const local = createLocalBlobStore(join(scratch, `copy-from-${randomUUID()}`));
      await local.check();
      const ids: string[] = [randomUUID(), randomUUID(), randomUUID()];
      const content = (id: string, kind: string) => `${kind} of ${id}: ${'x'.repeat(ids.indexOf(id) * 1000)}`;
      for (const id of ids) {
        await local.put(fileKey(id), await tempFile(content(id, 'file')), content(id, 'file').length, 'text/plain');
        await local.put(thumbnailKey(id), await tempFile(content(id, 'thumb')), content(id, 'thumb').length, 'image/webp');
      }
      // A direct upload never completed: not an object to keep.
      await local.put(incomingKey(ids[0]!), await tempFile('unchecked'), 9, 'application/octet-stream');

      const first = await copyStore(local, s3);
      expect(first).toMatchObject({ copied: 6, skipped: 0, vanished: 0 });
      for (const id of ids) {
        expect(await text((await s3.get(fileKey(id)))!.body)).toBe(content(id, 'file'));
        expect(await text((await s3.get(thumbnailKey(id)))!.body)).toBe(content(id, 'thumb'));
      }
      expect(await s3.get(incomingKey(ids[0]!))).toBeNull();
      // Again: nothing to do. Then one object in the destination broke off (another size): rewritten.
      expect(await copyStore(local, s3)).toMatchObject({ copied: 0, skipped: 6 });
      await s3.put(fileKey(ids[1]!), await tempFile('trunc'), 5, 'text/plain');
      expect(await copyStore(local, s3)).toMatchObject({ copied: 1, skipped: 5 });
      expect(await text((await s3.get(fileKey(ids[1]!)))!.body)).toBe(content(ids[1]!, 'file'));

      // And back to a fresh disk.
      const back = createLocalBlobStore(join(scratch, `copy-back-${randomUUID()}`));
      expect(await copyStore(s3, back)).toMatchObject({ copied: 6, skipped: 0 });
      for (const id of ids) expect(await text((await back.get(fileKey(id)))!.body)).toBe(content(id, 'file'));
    } finally {
      s3.close();
      await fake.stop();
    }
  });
});
