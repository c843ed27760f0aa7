import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { claimUploadsToRemove, forgetUploads, runExclusive, type Db } from '@parley/db';
import { fileKey, thumbnailKey, type BlobStore } from './blob-store.ts';

export interface FileSweepOptions {
  db: Db;
  store: BlobStore;
  logger: Logger;
  /** Uploads never sent are removed once this old. */
  orphanAfterMs: number;
  intervalMs: number;
  /** Where uploads wait while checked; what a crash left there is removed once this old. */
  tmpDir: string;
}

/** An upload in progress writes its temporary file continuously; one untouched this long is a crash's leftover. */
const STALE_TEMP_MS = 60 * 60_000;

export interface FileSweep {
  /** One pass now (tests, and every interval): how many files were removed. */
  runOnce(): Promise<number>;
  close(): Promise<void>;
}

const BATCH = 100;

/**
 * Removes the bytes of files nobody can reach any more: uploads never sent, files of deleted
 * messages, direct uploads never completed. One node at a time (an advisory lock in Postgres; the others skip that pass).
 * Rows are claimed in Postgres first (so a late send of a claimed upload fails cleanly), then
 * the bytes go, then the rows.
 */
export function startFileSweep(options: FileSweepOptions): FileSweep {
  const { db, store, logger } = options;
  let running: Promise<number> | undefined;

  async function pass(): Promise<number> {
    // Temporary files are this node's own: every node clears its own.
    await removeStaleTemp(options.tmpDir, Date.now() - STALE_TEMP_MS).catch((error: unknown) => logger.warn({ err: error }, 'could not clear old temporary uploads'));
    // The store is shared: one node sweeps it at a time. Without the lock every node claimed
    // the same discarded rows (a claim marks them discarded, and discarded rows are claimable)
    // and removed the same bytes again.
    const run = await runExclusive(db, 'fileSweep', async () => (await sweepStore()) + (await sweepIncoming()));
    if (!run.ran) logger.debug('file sweep running on another node: skipped');
    return run.ran ? run.result : 0;
  }

  async function sweepStore(): Promise<number> {
    let removed = 0;
    for (;;) {
      const ids = await claimUploadsToRemove(db, new Date(Date.now() - options.orphanAfterMs), BATCH);
      const done: string[] = [];
      for (const id of ids) {
        try {
          await store.remove(fileKey(id));
          await store.remove(thumbnailKey(id));
          done.push(id);
        } catch (error) {
          // Kept as discarded: the next pass tries again.
          logger.warn({ err: error, uploadId: id }, 'could not remove a file from storage');
        }
      }
      await forgetUploads(db, done);
      removed += done.length;
      if (ids.length < BATCH || done.length === 0) return removed;
    }
  }

  /** Direct uploads never completed (S3): their temporary objects, once as old as an unsent upload. */
  async function sweepIncoming(): Promise<number> {
    if (!store.direct) return 0;
    let keys: string[];
    try {
      keys = await store.direct.incomingBefore(new Date(Date.now() - options.orphanAfterMs));
    } catch (error) {
      logger.warn({ err: error }, 'could not list abandoned direct uploads');
      return 0;
    }
    let removed = 0;
    for (const key of keys) {
      try {
        await store.remove(key);
        removed++;
      } catch (error) {
        logger.warn({ err: error, key }, 'could not remove an abandoned direct upload');
      }
    }
    return removed;
  }

  const runOnce = () => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    runOnce().catch((error: unknown) => logger.warn({ err: error }, 'file sweep failed'));
  }, options.intervalMs);
  timer.unref();
  return {
    runOnce,
    async close() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}

/** Temporary upload files not written since `before` (a node crashed mid-upload). */
async function removeStaleTemp(tmpDir: string, before: number): Promise<void> {
  const names = await readdir(tmpDir).catch(() => []);
  for (const name of names) {
    const path = join(tmpDir, name);
    const info = await stat(path).catch(() => null);
    if (info && info.mtimeMs < before) await rm(path, { force: true });
  }
}
