import { randomUUID } from 'node:crypto';
import { uploadWithUploader, type Db } from '@parley/db';
import { AppError, isAppError, type Attachment } from '@parley/protocol';
import { incomingKey, type BlobStore, type DirectUploadStore } from './blob-store.ts';
import { cleanFileName } from './file-names.ts';
import type { FileIngest } from './ingest.ts';
import { tooLarge } from './receive.ts';

/** What `POST /files/direct` answers: where and how the client puts the bytes (PROTOCOL.md §2). */
export interface DirectUploadTicket {
  uploadId: string;
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
}

export interface DirectUploadOptions {
  db: Db;
  store: BlobStore;
  ingest: FileIngest;
  maxUploadBytes: number;
  /** How long a signed PUT is valid. */
  expiresInSeconds: number;
}

export interface DirectUploads {
  /** Whether the store takes uploads straight from clients (S3: yes; local disk: no). */
  available: boolean;
  /** Signs a PUT of `size` bytes for `uploaderId`; size and name were checked by the caller. */
  start(uploaderId: string, name: string, size: number): Promise<DirectUploadTicket>;
  /** Checks and stores what was PUT, as POST /files does; a second call answers the same. */
  complete(uploaderId: string, uploadId: string): Promise<Attachment>;
}

export const directUnavailable = (): AppError => new AppError('not_found', 'Direct uploads are not available on this server: upload with POST /files');

/** A store that failed to answer is a retryable 503, like an unreachable database. */
async function fromStore<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (isAppError(error)) throw error;
    throw new AppError('unavailable', 'The file store could not be reached: retry');
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const notUploaded = (): AppError =>
  new AppError('conflict', 'Nothing was uploaded for this upload: PUT the file to its url first (the url works for 10 minutes)');

/**
 * Uploads that go straight to the store: the gateway signs a PUT of exactly the declared size
 * to a temporary `incoming/` key, with who asked and the file name as signed metadata (so the
 * object itself says whose it is, on every node, with nothing to keep in Postgres meanwhile).
 * Completing reads the object back through the very ingest POST /files uses (sniffing, decode
 * limits, thumbnails, content hash), under the same upload id, then removes the temporary
 * object. What is never completed is removed by the file sweep.
 */
export function createDirectUploads(options: DirectUploadOptions): DirectUploads {
  const { db, store, ingest, maxUploadBytes } = options;
  // Two completions of one upload on this node share one run, so the work is done once. On two
  // nodes both run; the second finds the first's row (createUpload) and keeps its bytes.
  const running = new Map<string, Promise<Attachment>>();

  const directStore = (): DirectUploadStore => {
    if (!store.direct) throw directUnavailable();
    return store.direct;
  };

  async function completeOnce(direct: DirectUploadStore, uploaderId: string, uploadId: string): Promise<Attachment> {
    const done = await uploadWithUploader(db, uploadId);
    if (done && done.uploaderId !== uploaderId) throw new AppError('not_found', 'No such upload');
    if (done) return done.attachment;
    const key = incomingKey(uploadId);
    const object = await fromStore(direct.describe(key));
    if (!object) throw notUploaded();
    // Someone else's upload: answered like one that does not exist.
    if (object.metadata['uploader'] !== uploaderId) throw new AppError('not_found', 'No such upload');
    const declared = Number(object.metadata['size']);
    const discard = () => store.remove(key).catch(() => undefined);
    if (object.size > maxUploadBytes) {
      await discard();
      throw tooLarge(maxUploadBytes);
    }
    if (object.size !== declared) {
      await discard();
      throw new AppError('invalid_input', `The uploaded file is ${object.size} bytes, not the ${declared} declared: start again`);
    }
    const name = Buffer.from(object.metadata['name'] ?? '', 'base64url').toString('utf8');
    const stored = await fromStore(store.get(key));
    if (!stored) throw notUploaded();
    try {
      const attachment = await ingest(stored.body, name, uploaderId, uploadId);
      await discard();
      return attachment;
    } catch (error) {
      // Bytes that fail the checks are gone for good; a store or database failure keeps them
      // for a retry (the sweep removes them if none comes).
      if (isAppError(error) && error.code !== 'unavailable') await discard();
      throw error;
    } finally {
      stored.body.destroy();
    }
  }

  return {
    available: store.direct !== undefined,
    async start(uploaderId, name, size) {
      const direct = directStore();
      const uploadId = randomUUID();
      const metadata = { uploader: uploaderId, size: String(size), name: Buffer.from(cleanFileName(name), 'utf8').toString('base64url') };
      const signed = await fromStore(direct.presignPut(incomingKey(uploadId), size, metadata, options.expiresInSeconds));
      const expiresAt = new Date(Date.now() + options.expiresInSeconds * 1000).toISOString();
      return { uploadId, url: signed.url, method: 'PUT', headers: signed.headers, expiresAt };
    },
    async complete(uploaderId, uploadId) {
      const direct = directStore();
      if (!UUID.test(uploadId)) throw new AppError('not_found', 'No such upload');
      // Per uploader: another user's call must not share the owner's answer.
      const slot = `${uploaderId}:${uploadId}`;
      const known = running.get(slot);
      if (known) return known;
      const run = completeOnce(direct, uploaderId, uploadId).finally(() => running.delete(slot));
      running.set(slot, run);
      return run;
    },
  };
}
