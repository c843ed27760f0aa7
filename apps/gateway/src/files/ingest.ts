import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createUpload, type Db } from '@parley/db';
import { AppError, type Attachment } from '@parley/protocol';
import { fileKey, thumbnailKey, type BlobStore } from './blob-store.ts';
import { cleanFileName } from './file-names.ts';
import { inspectFile, writeThumbnail } from './inspect.ts';
import { receiveToTemp } from './receive.ts';

export interface FileIngestOptions {
  db: Db;
  store: BlobStore;
  /** Where bytes wait while they are checked (DATA_DIR/files/tmp). */
  tmpDir: string;
  maxUploadBytes: number;
}

/** `id`: the upload id to give the file (a direct upload's, chosen when it was signed); unset: a new one. */
export type FileIngest = (source: Readable, rawName: string, uploaderId: string, id?: string) => Promise<Attachment>;

/**
 * An upload, from bytes to a `pending` row: received within the limit, sniffed, measured and
 * thumbnailed when it is an image, put in the store, then recorded. The row comes last, so
 * every row points at stored bytes; bytes whose row never comes are removed here, or (after a
 * crash) never reachable, since downloads start from the row.
 */
export function createFileIngest(options: FileIngestOptions): FileIngest {
  const { db, store, tmpDir, maxUploadBytes } = options;
  return async (source, rawName, uploaderId, id = randomUUID()) => {
    const received = await receiveToTemp(source, tmpDir, maxUploadBytes);
    const thumbPath = `${received.path}.thumb`;
    const stored: string[] = [];
    try {
      if (received.size === 0) throw new AppError('invalid_input', 'The file is empty');
      const { mime, image: header } = await inspectFile(received.path);
      // Making the thumbnail decodes every pixel: only an image that decodes in full is an
      // image (measured, thumbnailed, served inline). One whose header reads but whose pixels
      // do not (truncated, corrupt) is kept as a file to download, like any other.
      const thumbnail = header ? await writeThumbnail(received.path, thumbPath).catch(() => null) : null;
      const image = thumbnail ? header : null;
      await store.put(fileKey(id), received.path, received.size, mime);
      stored.push(fileKey(id));
      if (thumbnail) {
        await store.put(thumbnailKey(id), thumbPath, thumbnail.bytes, 'image/webp');
        stored.push(thumbnailKey(id));
      }
      return await createUpload(db, {
        id,
        uploaderId,
        name: cleanFileName(rawName),
        size: received.size,
        mime,
        sha256: received.sha256,
        width: image?.width ?? null,
        height: image?.height ?? null,
        thumbnail: thumbnail ? { width: thumbnail.width, height: thumbnail.height } : null,
      });
    } catch (error) {
      await Promise.all(stored.map((key) => store.remove(key).catch(() => undefined)));
      throw error;
    } finally {
      await rm(received.path, { force: true });
      await rm(thumbPath, { force: true });
    }
  };
}
