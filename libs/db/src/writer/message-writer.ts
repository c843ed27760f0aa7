import { AppError, isAppError } from '@parley/protocol';
import type { KnownEvent } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { isDatabaseTimeout, isRetryableDbError, isUniqueViolation, isUuid } from '../repos/db-errors.ts';
import { createdEventOf } from '../repos/mappers.ts';
import { commitAction, type ActionOutcome, type MessageAction } from './commit-action.ts';
import { commitBatch, type BatchResult, type SendInput, type SendOutcome } from './commit-batch.ts';
import { createWriteLane, type WriteLane } from './write-lane.ts';
import type { Audience } from './audience.ts';

/** A committed send: its `message_created` event, or (a clientId reused) the original event. */
export interface SubmitResult {
  event: KnownEvent;
  duplicate: boolean;
  /** Set when some members may not see the message it replies to (see audience.ts). */
  audience?: Audience;
}

export interface MessageWriterOptions {
  /** Most submits committed in one transaction. */
  maxBatch?: number;
  /**
   * How long the first submit to an idle lane waits for company before a flush starts. 0
   * by default: batching comes from submits that queue while a flush runs (group commit), and
   * waiting only adds latency when the database is idle (measured with tools/bench).
   */
  flushIntervalMs?: number;
  /**
   * Flushes that may run at once, over disjoint sets of conversations (a conversation always
   * goes to the same lane, so its sends keep their order).
   */
  lanes?: number;
  /** Sends waiting for their commit on this node; past it, submits get `overloaded`. */
  maxQueued?: number;
  /** Told about a send the database refused outright (a bug or data it cannot hold): worth a log line. */
  onRefused?: (error: unknown) => void;
}

export interface MessageWriterStats {
  /** Committed transactions of sends, and rows inserted, so far. */
  flushes: number;
  rows: number;
  /** Sends submitted and not yet answered (queued or in a flush), all lanes. */
  queued: number;
  /** Conversations whose sends wait for a lock someone else holds. */
  contended: number;
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
  stats(): MessageWriterStats;
}

interface Pending {
  input: SendInput;
  resolve: (value: SubmitResult) => void;
  reject: (error: unknown) => void;
}

const DEFAULT_MAX_BATCH = 256;
const DEFAULT_FLUSH_INTERVAL_MS = 0;
const DEFAULT_LANES = 2;
export const DEFAULT_MAX_QUEUED = 10_000;
/** What `overloaded` asks a client to wait before it retries. */
const OVERLOADED_RETRY_AFTER_MS = 1000;

const conversationOf = (p: Pending) => p.input.conversationId.toLowerCase();

/** A batch's outcomes, and whether it failed because the database did not answer in time. */
type FlushResult = BatchResult & { timedOut?: boolean };

/** A stable lane for a conversation: the same one for all its sends, spread over lanes. */
function laneIndex(conversationId: string, lanes: number): number {
  let hash = 0;
  for (let i = 0; i < conversationId.length; i++) hash = (hash * 31 + conversationId.charCodeAt(i)) | 0;
  return Math.abs(hash) % lanes;
}

/**
 * The hot write path. Sends are spread over lanes by conversation; each lane commits its queue
 * in batches, one flush at a time, taking only the conversation locks that are free. The sends
 * of a conversation whose lock someone else holds (another node's flush, a stuck transaction)
 * move, with every later send of that conversation, to a contended lane that waits for locks:
 * one busy or stuck conversation never holds up the others, and no send overtakes an earlier
 * one of its conversation.
 */
export function createMessageWriter(db: Db, options: MessageWriterOptions = {}): MessageWriter {
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  const flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
  const maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
  const onRefused = options.onRefused;
  let closed = false;
  let flushes = 0;
  let rows = 0;
  const actions = new Set<Promise<unknown>>();
  /** conversationId -> its sends in the contended lane (queued or in flight). */
  const contended = new Map<string, number>();

  const lanes: Array<WriteLane<Pending>> = Array.from({ length: Math.max(1, options.lanes ?? DEFAULT_LANES) }, () => {
    const lane: WriteLane<Pending> = createWriteLane<Pending>({ maxBatch, flushIntervalMs, flush: (batch) => flushFree(batch, lane) });
    return lane;
  });
  const slow = createWriteLane<Pending>({ maxBatch, flushIntervalMs: 0, flush: (batch) => flushContended(batch) });
  const queued = () => lanes.reduce((sum, lane) => sum + lane.size, slow.size);
  /** Submitted and not yet settled: what the queue bound counts (a flush in flight included). */
  let outstanding = 0;

  function settle(pending: Pending, outcome: SendOutcome): void {
    outstanding -= 1;
    if (!outcome.ok) pending.reject(outcome.error);
    else if ('message' in outcome) {
      pending.resolve({ event: createdEventOf(outcome.message), duplicate: outcome.duplicate, ...(outcome.audience ? { audience: outcome.audience } : {}) });
    }
    else pending.resolve({ event: outcome.event, duplicate: true });
  }

  function leaveContended(pending: Pending): void {
    const cid = conversationOf(pending);
    const left = (contended.get(cid) ?? 1) - 1;
    if (left > 0) contended.set(cid, left);
    else contended.delete(cid);
  }

  /**
   * A flush of this lane found the database not answering (frozen, or no connection in time):
   * what waits behind it would wait for the same database, each batch for as long again. It is
   * answered `unavailable` now, so no send waits longer than one flush's timeout.
   */
  function failQueued(lane: WriteLane<Pending>): void {
    const unavailable = new AppError('unavailable', 'Message could not be stored, retry');
    for (const pending of lane.take(() => true)) {
      if (lane === slow) leaveContended(pending);
      settle(pending, { ok: false, error: unavailable });
    }
  }

  function toContended(moved: Pending[]): void {
    for (const pending of moved) {
      const cid = conversationOf(pending);
      contended.set(cid, (contended.get(cid) ?? 0) + 1);
      slow.push(pending);
    }
  }

  async function flushFree(batch: Pending[], lane: WriteLane<Pending>): Promise<void> {
    const result = await commitIsolating(batch.map((p) => p.input), 'skip');
    if (result.timedOut) failQueued(lane);
    const deferred = new Set(result.deferred);
    batch.forEach((pending, index) => {
      if (!deferred.has(index)) settle(pending, result.outcomes[index] as SendOutcome);
    });
    if (deferred.size === 0) return;
    // The deferred sends, then the later sends of their conversations still queued here.
    const busy = new Set([...deferred].map((index) => conversationOf(batch[index] as Pending)));
    const later = lanes.flatMap((lane) => lane.take((p) => busy.has(conversationOf(p))));
    toContended([...[...deferred].map((index) => batch[index] as Pending), ...later]);
  }

  async function flushContended(batch: Pending[]): Promise<void> {
    const result = await commitIsolating(batch.map((p) => p.input), 'wait');
    batch.forEach((pending, index) => {
      settle(pending, result.outcomes[index] as SendOutcome);
      leaveContended(pending);
    });
    if (result.timedOut) failQueued(slow);
  }

  /**
   * Commits `inputs`; one input the database refuses (bad data, not a lost connection) fails
   * alone: the batch is split and its halves committed apart until the culprit stands alone.
   */
  async function commitIsolating(inputs: readonly SendInput[], lock: 'skip' | 'wait'): Promise<FlushResult> {
    let result: BatchResult;
    try {
      result = await commitBatch(db, inputs, { lock }).catch((error: unknown) => {
        // Another node stored one of these clientIds between our check and our insert: the
        // retry sees that row and answers with it (duplicate) instead of failing the batch.
        if (isUniqueViolation(error)) return commitBatch(db, inputs, { lock });
        throw error;
      });
    } catch (error) {
      if (isRetryableDbError(error)) {
        const unavailable = new AppError('unavailable', 'Message could not be stored, retry');
        return { outcomes: inputs.map(() => ({ ok: false, error: unavailable })), deferred: [], rows: 0, timedOut: isDatabaseTimeout(error) };
      }
      if (inputs.length === 1) {
        onRefused?.(error);
        return { outcomes: [{ ok: false, error: new AppError('invalid_input', 'The server cannot store this message') }], deferred: [], rows: 0 };
      }
      const half = Math.ceil(inputs.length / 2);
      const [first, second] = [await commitIsolating(inputs.slice(0, half), lock), await commitIsolating(inputs.slice(half), lock)];
      return {
        outcomes: [...first.outcomes, ...second.outcomes],
        deferred: [...first.deferred, ...second.deferred.map((index) => index + half)],
        rows: first.rows + second.rows,
        timedOut: first.timedOut === true || second.timedOut === true,
      };
    }
    flushes += 1;
    rows += result.rows;
    return result;
  }

  return {
    submit(input) {
      if (closed) return Promise.reject(new AppError('unavailable', 'Message writer is closed'));
      // One malformed id would fail the whole batch's SQL; refuse it alone, up front.
      if (!isUuid(input.conversationId) || !isUuid(input.senderId)) return Promise.reject(new AppError('not_member'));
      if (input.replyTo !== undefined && !isUuid(input.replyTo)) return Promise.reject(new AppError('not_found'));
      // Bounded: a database slower than the load must not grow memory without end.
      if (outstanding >= maxQueued) {
        return Promise.reject(
          new AppError('overloaded', 'Too many messages are waiting to be stored', { retryAfterMs: OVERLOADED_RETRY_AFTER_MS }),
        );
      }
      return new Promise((resolve, reject) => {
        const pending: Pending = { input, resolve, reject };
        outstanding += 1;
        const cid = conversationOf(pending);
        // Behind its conversation's earlier sends, wherever they wait.
        if (contended.has(cid)) toContended([pending]);
        else (lanes[laneIndex(cid, lanes.length)] as WriteLane<Pending>).push(pending);
      });
    },
    apply(action) {
      if (closed) return Promise.reject(new AppError('unavailable', 'Message writer is closed'));
      const running = commitAction(db, action).catch((error: unknown) => {
        if (isAppError(error)) throw error;
        if (isRetryableDbError(error)) throw new AppError('unavailable', 'Change could not be stored, retry');
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
      // A free lane's flush can move sends to the contended lane: drain until all are quiet.
      while (queued() > 0) {
        await Promise.all(lanes.map((lane) => lane.idle()));
        await slow.idle();
      }
      await Promise.all(lanes.map((lane) => lane.idle()));
      await slow.idle();
    },
    stats: () => ({ flushes, rows, queued: outstanding, contended: contended.size }),
  };
}
