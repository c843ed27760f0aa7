import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { AppError, formatFileSize } from '@parley/protocol';

export interface ReceivedFile {
  /** A temporary file holding the bytes; the caller moves it to the store or removes it. */
  path: string;
  size: number;
  sha256: string;
}

export const tooLarge = (maxBytes: number): AppError =>
  new AppError('too_large', `A file can be at most ${formatFileSize(maxBytes)}`, { maxBytes });

/**
 * Streams `source` into a temporary file under `tmpDir`, counting and hashing as it goes, and
 * stops with `too_large` at the first byte over `maxBytes`: a body with no Content-Length, or
 * one that lies about it, is held to the limit too, and nothing over it is kept.
 *
 * On `too_large` the source is left paused, not destroyed: destroying a request destroys its
 * socket, and the client would see a connection reset instead of the 413. The HTTP server
 * reads and discards the rest once the answer is sent (see file-routes.ts).
 */
export async function receiveToTemp(source: Readable, tmpDir: string, maxBytes: number): Promise<ReceivedFile> {
  await mkdir(tmpDir, { recursive: true });
  const path = join(tmpDir, `${randomUUID()}.part`);
  const hash = createHash('sha256');
  const file = createWriteStream(path);
  // A write error also fails the next write or the final end; keep it from going unhandled.
  file.on('error', () => undefined);
  let size = 0;
  try {
    for await (const chunk of source.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge(maxBytes);
      hash.update(chunk);
      if (!file.write(chunk)) await once(file, 'drain');
    }
    file.end();
    await finished(file);
  } catch (error) {
    file.destroy();
    await rm(path, { force: true });
    if (error instanceof AppError) throw error;
    // The client went away, the stream broke or the disk failed: nothing was stored.
    throw new AppError('invalid_input', 'The upload did not complete');
  }
  return { path, size, sha256: hash.digest('hex') };
}
