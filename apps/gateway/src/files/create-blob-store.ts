import type { StorageConfig } from '../config.ts';
import type { BlobStore } from './blob-store.ts';
import { createLocalBlobStore } from './local-blob-store.ts';
import { createS3BlobStore } from './s3-blob-store.ts';

/** The configured store; `close` releases what it holds (the S3 client's sockets). */
export function createBlobStore(storage: StorageConfig): BlobStore & { close(): void } {
  if (storage.kind === 's3') return createS3BlobStore(storage.s3);
  return { ...createLocalBlobStore(storage.dir), close: () => undefined };
}
