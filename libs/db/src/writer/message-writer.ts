import { AppError } from '@parley/protocol';
import type { Message } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { isUniqueViolation, isUuid } from '../repos/db-errors.ts';
import { commitBatch, type SendInput, type SendOutcome } from './commit-batch.ts';

export interface MessageWriterOptions {
  /** Most submits committed in one transaction. */
  maxBatch?: number;
  /**
   * How long the first submit to an idle writer waits for company before a flush starts. 0
   * by default: batching comes from submits that queue while a flush runs (group commit), and
   * waiting only adds latency when the database is idle (measured with tools/bench).
   */
  flushIntervalMs?: number;
}

export interface MessageWriter {
  /** Resolves after the commit; a retried (senderId, clientId) resolves with the original. */
  submit(input: SendInput): Promise<{ message: Message; duplicate: boolean }>;
  /** Flushes what is queued; later submits reject with `unavailable`. */
  close(): Promise<void>;
  /** Committed transactions and inserted rows so far. */
  stats(): { flushes: number; rows: number };
}

interface Pending {
  input: SendInput;
  resolve: (value: { message: Message; duplicate: boolean }) => void;
  reject: (error: unknown) => void;
}

const DEFAULT_MAX_BATCH = 256;
const DEFAULT_FLUSH_INTERVAL_MS = 0;

/**
 * The hot write path. Submits queue up and are committed together; flushes run one after
 * another, so a slow database makes batches bigger and acks later, never lost or reordered.
 */
export function createMessageWriter(db: Db, options: MessageWriterOptions = {}): MessageWriter {
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  const flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
  const queue: Pending[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let closed = false;
  let flushes = 0;
  let rows = 0;

  function schedule(): void {
    if (running || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = drain().finally(() => {
        running = undefined;
        if (queue.length > 0) schedule();
      });
    }, queue.length >= maxBatch ? 0 : flushIntervalMs);
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      await flush(queue.splice(0, maxBatch));
    }
  }

  async function flush(batch: Pending[]): Promise<void> {
    const inputs = batch.map((p) => p.input);
    let result: { outcomes: SendOutcome[]; rows: number } | undefined;
    try {
      result = await commitBatch(db, inputs);
    } catch (error) {
      // Another node stored one of these clientIds between our check and our insert: the
      // retry sees that row and answers with it (duplicate) instead of failing the batch.
      if (isUniqueViolation(error)) result = await commitBatch(db, inputs).catch(() => undefined);
    }
    if (!result) {
      for (const p of batch) p.reject(new AppError('unavailable', 'Message could not be stored, retry'));
      return;
    }
    flushes += 1;
    rows += result.rows;
    result.outcomes.forEach((outcome, index) => {
      const pending = batch[index] as Pending;
      if (outcome.ok) pending.resolve({ message: outcome.message, duplicate: outcome.duplicate });
      else pending.reject(outcome.error);
    });
  }

  return {
    submit(input) {
      if (closed) return Promise.reject(new AppError('unavailable', 'Message writer is closed'));
      // One malformed id would fail the whole batch's SQL; refuse it alone, up front.
      if (!isUuid(input.conversationId) || !isUuid(input.senderId)) {
        return Promise.reject(new AppError('not_member'));
      }
      return new Promise((resolve, reject) => {
        queue.push({ input, resolve, reject });
        if (queue.length >= maxBatch && timer) {
          clearTimeout(timer);
          timer = undefined;
        }
        schedule();
      });
    },
    async close() {
      closed = true;
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
        schedule();
      }
      while (running || timer || queue.length > 0) {
        if (running) await running;
        else if (queue.length > 0 && !timer) schedule();
        else await new Promise((r) => setTimeout(r, flushIntervalMs));
      }
    },
    stats: () => ({ flushes, rows }),
  };
}
