import { AppError, isAppError } from '@parley/protocol';
import type { KnownEvent } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { isTransientDbError, isUniqueViolation, isUuid } from '../repos/db-errors.ts';
import { createdEventOf } from '../repos/mappers.ts';
import { commitAction, type ActionOutcome, type MessageAction } from './commit-action.ts';
import { commitBatch, type SendInput, type SendOutcome } from './commit-batch.ts';

/** A committed send: its `message_created` event, or (a clientId reused) the original event. */
export interface SubmitResult {
  event: KnownEvent;
  duplicate: boolean;
}

export interface MessageWriterOptions {
  /** Most submits committed in one transaction. */
  maxBatch?: number;
  /**
   * How long the first submit to an idle writer waits for company before a flush starts. 0
   * by default: batching comes from submits that queue while a flush runs (group commit), and
   * waiting only adds latency when the database is idle (measured with tools/bench).
   */
  flushIntervalMs?: number;
  /** Told about a send the database refused outright (a bug or data it cannot hold): worth a log line. */
  onRefused?: (error: unknown) => void;
}

export interface MessageWriter {
  /** Resolves after the commit; a retried (senderId, clientId) resolves with the original. */
  submit(input: SendInput): Promise<SubmitResult>;
  /**
   * An edit, delete or reaction: committed on its own (they are rare next to sends), with the
   * same guarantees. Rejects with the AppError that refused it.
   */
  apply(action: MessageAction): Promise<ActionOutcome>;
  /** Flushes what is queued and waits for actions in flight; later calls reject with `unavailable`. */
  close(): Promise<void>;
  /** Committed transactions and inserted rows so far. */
  stats(): { flushes: number; rows: number };
}

interface Pending {
  input: SendInput;
  resolve: (value: SubmitResult) => void;
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
  const onRefused = options.onRefused;
  const queue: Pending[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let closed = false;
  let flushes = 0;
  let rows = 0;
  const actions = new Set<Promise<unknown>>();

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
    const outcomes = await commitIsolating(batch.map((p) => p.input));
    outcomes.forEach((outcome, index) => {
      const pending = batch[index] as Pending;
      if (!outcome.ok) pending.reject(outcome.error);
      else if ('message' in outcome) pending.resolve({ event: createdEventOf(outcome.message), duplicate: outcome.duplicate });
      else pending.resolve({ event: outcome.event, duplicate: true });
    });
  }

  /**
   * Commits `inputs`; one input the database refuses (bad data, not a lost connection) fails
   * alone: the batch is split and its halves committed apart until the culprit stands alone.
   */
  async function commitIsolating(inputs: readonly SendInput[]): Promise<SendOutcome[]> {
    let result: { outcomes: SendOutcome[]; rows: number };
    try {
      result = await commitBatch(db, inputs).catch((error: unknown) => {
        // Another node stored one of these clientIds between our check and our insert: the
        // retry sees that row and answers with it (duplicate) instead of failing the batch.
        if (isUniqueViolation(error)) return commitBatch(db, inputs);
        throw error;
      });
    } catch (error) {
      if (isTransientDbError(error)) return inputs.map(() => ({ ok: false, error: new AppError('unavailable', 'Message could not be stored, retry') }));
      if (inputs.length === 1) {
        onRefused?.(error);
        return [{ ok: false, error: new AppError('invalid_input', 'The server cannot store this message') }];
      }
      const half = Math.ceil(inputs.length / 2);
      return [...(await commitIsolating(inputs.slice(0, half))), ...(await commitIsolating(inputs.slice(half)))];
    }
    flushes += 1;
    rows += result.rows;
    return result.outcomes;
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
    apply(action) {
      if (closed) return Promise.reject(new AppError('unavailable', 'Message writer is closed'));
      const running = commitAction(db, action).catch((error: unknown) => {
        if (isAppError(error)) throw error;
        if (isTransientDbError(error)) throw new AppError('unavailable', 'Change could not be stored, retry');
        onRefused?.(error);
        throw new AppError('invalid_input', 'The server cannot store this change');
      });
      const tracked = running.then(
        () => undefined,
        () => undefined,
      );
      actions.add(tracked);
      void tracked.then(() => actions.delete(tracked));
      return running;
    },
    async close() {
      closed = true;
      await Promise.all(actions);
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
