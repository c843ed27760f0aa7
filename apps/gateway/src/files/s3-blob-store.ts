import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertKey, incomingKey, isKey, type BlobStore, type DirectUploadStore, type StoredObject } from './blob-store.ts';

export interface S3Settings {
  bucket: string;
  region: string;
  /** For S3-compatible stores (MinIO, Ceph, Garage...); unset: AWS. */
  endpoint: string | undefined;
  /** Bucket in the path rather than the host name: what most S3-compatible stores need. */
  forcePathStyle: boolean;
  /** Unset: the SDK's default chain (environment, instance role...). */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Every key is put under this prefix, so one bucket can serve several installs. */
  prefix: string;
}

/**
 * Files in an S3-compatible bucket. Downloads stream through the gateway rather than redirect
 * to a presigned URL: the gateway's own headers (nosniff, attachment, a sandboxing CSP) then
 * hold whatever the store does with response overrides, and images stay same-origin for the
 * page's Content-Security-Policy.
 */
export function createS3BlobStore(settings: S3Settings): BlobStore & { close(): void } {
  const client = new S3Client({
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    // Checksums only where S3 requires them: many S3-compatible stores do not read the
    // aws-chunked bodies with trailing checksums the SDK sends by default.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  });
  const keyOf = (key: string) => {
    assertKey(key);
    return `${settings.prefix}${key}`;
  };
  const isMissing = (error: unknown) => error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404);
  const direct: DirectUploadStore = {
    async presignPut(key, size, metadata, expiresInSeconds) {
      const command = new PutObjectCommand({ Bucket: settings.bucket, Key: keyOf(key), ContentLength: size, Metadata: metadata });
      const metaHeaders = Object.keys(metadata).map((name) => `x-amz-meta-${name.toLowerCase()}`);
      const url = await getSignedUrl(client, command, {
        expiresIn: expiresInSeconds,
        // Signed, so the store refuses a body of any other size...
        signableHeaders: new Set(['content-length']),
        // ...and kept as headers (not moved into the query), so the metadata is the object's.
        unhoistableHeaders: new Set(metaHeaders),
      });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(metadata)) headers[`x-amz-meta-${name.toLowerCase()}`] = value;
      return { url, headers };
    },
    async uploadSource() {
      // Signing is local (no request): the URL a real upload gets, for a key that never exists,
      // cut after its folder. `;` and `,` would end the policy's source list: encoded.
      const { url } = await direct.presignPut(incomingKey('00000000-0000-4000-8000-000000000000'), 1, {}, 60);
      const { origin, pathname } = new URL(url);
      const folder = pathname.slice(0, pathname.lastIndexOf('/') + 1).replaceAll(';', '%3B').replaceAll(',', '%2C');
      return `${origin}${folder}`;
    },
    async describe(key) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: settings.bucket, Key: keyOf(key) }));
        return { size: head.ContentLength ?? 0, metadata: head.Metadata ?? {} };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async incomingBefore(before) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: settings.bucket, Prefix: `${settings.prefix}incoming/`, ...(token ? { ContinuationToken: token } : {}) }),
        );
        for (const object of page.Contents ?? []) {
          if (object.Key && object.LastModified && object.LastModified < before) keys.push(object.Key.slice(settings.prefix.length));
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },
  };
  return {
    async put(key, path, size, contentType) {
      await client.send(
        new PutObjectCommand({ Bucket: settings.bucket, Key: keyOf(key), Body: createReadStream(path), ContentLength: size, ContentType: contentType }),
      );
    },
    async get(key): Promise<StoredObject | null> {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: settings.bucket, Key: keyOf(key) }));
        if (!object.Body) return null;
        // In Node the SDK's body is an http.IncomingMessage: a Readable.
        return { body: object.Body as Readable, size: object.ContentLength ?? 0 };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: keyOf(key) }));
    },
    async check() {
      await client.send(new HeadBucketCommand({ Bucket: settings.bucket }));
    },
    async *list(folder) {
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: settings.bucket, Prefix: `${settings.prefix}${folder}/`, ...(token ? { ContinuationToken: token } : {}) }),
        );
        for (const object of page.Contents ?? []) {
          const key = object.Key?.slice(settings.prefix.length);
          if (key !== undefined && isKey(key)) yield { key, size: object.Size ?? 0 };
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
    direct,
    close: () => client.destroy(),
  };
}
