import type { Readable } from 'node:stream';

/** The bytes of one stored object, ready to stream to a client. */
export interface StoredObject {
  body: Readable;
  size: number;
}

/**
 * Where file bytes live. Keys are made by the gateway from upload ids (`files/<uuid>`,
 * `thumbs/<uuid>`), never from anything a client sent. Who may read what is decided in
 * Postgres before a store is asked: a store holds bytes, not permissions.
 */
export interface BlobStore {
  /** Stores the file at `path` (a finished temporary file, which the store may move) under `key`. */
  put(key: string, path: string, size: number, contentType: string): Promise<void>;
  /** The object, or null when there is none. */
  get(key: string): Promise<StoredObject | null>;
  /** Removes the object; removing one that is not there is not an error. */
  remove(key: string): Promise<void>;
  /** Ready to store (the directory exists, the bucket answers); for /readyz and start-up. */
  check(): Promise<void>;
  /** Every object under `files/` or `thumbs/` with its size (copying between stores, files-copy.ts). */
  list(folder: StoredFolder): AsyncIterable<{ key: string; size: number }>;
  /** Present only where clients can put bytes in the store themselves (S3): direct uploads. */
  direct?: DirectUploadStore;
}

/** The folders of kept objects; `incoming/` holds unchecked direct uploads, never copied. */
export type StoredFolder = 'files' | 'thumbs';

/** A request a client makes itself, straight to the store. */
export interface PresignedPut {
  url: string;
  /** Headers the client must send as they are (they are part of the signature). */
  headers: Record<string, string>;
}

/** What a store that clients can write to offers the gateway (see direct-upload.ts). */
export interface DirectUploadStore {
  /**
   * A PUT of exactly `size` bytes to `key` (an `incoming/` key), valid `expiresInSeconds`.
   * Content-Length and `metadata` are signed: the store refuses any other size or metadata.
   */
  presignPut(key: string, size: number, metadata: Record<string, string>, expiresInSeconds: number): Promise<PresignedPut>;
  /**
   * Where the signed PUTs go, as a Content-Security-Policy source (`https://host/path/`): the
   * web page may connect there (connect-src) and nowhere else. It names the upload folder, not
   * only the host: with path-style URLs the host is shared by every bucket of the provider.
   */
  uploadSource(): Promise<string>;
  /** Size and metadata of the object, or null when there is none. */
  describe(key: string): Promise<{ size: number; metadata: Record<string, string> } | null>;
  /** `incoming/` keys last written before `before` (abandoned direct uploads). */
  incomingBefore(before: Date): Promise<string[]>;
}

export const fileKey = (uploadId: string): string => `files/${uploadId}`;
export const thumbnailKey = (uploadId: string): string => `thumbs/${uploadId}`;
/** Where a direct upload's bytes wait, unchecked, until it is completed. */
export const incomingKey = (uploadId: string): string => `incoming/${uploadId}`;

const KEY_PATTERN = /^(files|thumbs|incoming)\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isKey = (key: string): boolean => KEY_PATTERN.test(key);

/** Stores refuse any other key: a bug that would let a name reach the store fails loudly instead. */
export function assertKey(key: string): void {
  if (!isKey(key)) throw new Error(`not a blob key: ${JSON.stringify(key)}`);
}
