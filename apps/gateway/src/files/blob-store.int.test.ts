import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeS3 } from '../testing/fake-s3.ts';
import { fileKey, thumbnailKey, type BlobStore } from './blob-store.ts';
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
