import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, StoredFolder } from './blob-store.ts';

export interface CopyReport {
  /** Objects written to the destination. */
  copied: number;
  /** Already there with the same size: left as they are (a second run copies only what is new). */
  skipped: number;
  /** Listed in the source but gone by the time they were read (deleted meanwhile): nothing to copy. */
  vanished: number;
  bytes: number;
}

const FOLDERS: readonly StoredFolder[] = ['files', 'thumbs'];
/** What the destination records as the object's type: downloads get their headers from the gateway, never from the store. */
const CONTENT_TYPE: Record<StoredFolder, string> = { files: 'application/octet-stream', thumbs: 'image/webp' };

/**
 * Copies every kept object (`files/`, `thumbs/`) from one store to another, to move an install
 * between local disk and S3 (`npm run files:copy`). Keys are the same in both (they come from
 * upload ids), so nothing in Postgres changes. Idempotent: an object already in the destination
 * with the same size is skipped, one of another size (a copy that broke off) is written again.
 * Each object goes through a temporary file (stores take a finished file: the local one renames
 * it into place, so a crash never leaves half an object under a real key). `incoming/` (direct
 * uploads not completed) is not copied: an upload in flight is started again by its client.
 */
export async function copyStore(from: BlobStore, to: BlobStore, options: { log?: (line: string) => void; tmpDir?: string } = {}): Promise<CopyReport> {
  const log = options.log ?? (() => undefined);
  const report: CopyReport = { copied: 0, skipped: 0, vanished: 0, bytes: 0 };
  await to.check();
  // The gateway's own upload folder by default (FILES_DIR/tmp): on the local store's disk, so
  // putting there is a rename, and not a small tmpfs.
  const base = options.tmpDir ?? tmpdir();
  await mkdir(base, { recursive: true });
  const scratch = await mkdtemp(join(base, 'parley-files-copy-'));
  try {
    for (const folder of FOLDERS) {
      const there = new Map<string, number>();
      for await (const { key, size } of to.list(folder)) there.set(key, size);
      for await (const { key, size } of from.list(folder)) {
        if (there.get(key) === size) {
          report.skipped += 1;
          continue;
        }
        const object = await from.get(key);
        if (object === null) {
          report.vanished += 1;
          continue;
        }
        const path = join(scratch, 'object');
        await pipeline(object.body, createWriteStream(path));
        await to.put(key, path, object.size, CONTENT_TYPE[folder]);
        await rm(path, { force: true });
        report.copied += 1;
        report.bytes += object.size;
        if (report.copied % 1000 === 0) log(`  ${report.copied} copied so far`);
      }
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return report;
}
