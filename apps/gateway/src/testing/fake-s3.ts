import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { S3Settings } from '../files/s3-blob-store.ts';

/**
 * A FAKE S3: s3rver 3.7.1, an S3 API emulator on local disk. No real S3-compatible server
 * installs on this machine (no MinIO; Debian's radosgw needs a Ceph cluster), so the S3 path is
 * tested against it. It speaks the REST API the SDK uses (put, get, delete, head bucket); it is
 * not a test of any real store's behaviour under load, consistency or auth.
 */
export async function startFakeS3(bucket = 'parley-files'): Promise<{ settings: S3Settings; env: Record<string, string>; stop(): Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), 'parley-fake-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  // s3rver accepts its documented default key pair only.
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  return {
    settings: { bucket, region: 'us-east-1', endpoint, forcePathStyle: true, credentials, prefix: 'test/' },
    env: { STORAGE: 's3', S3_BUCKET: bucket, S3_ENDPOINT: endpoint, S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', S3_PREFIX: 'test/' },
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
