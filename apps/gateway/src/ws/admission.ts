import { AppError, CLOSE_CODES, encodeFrame, errorFrameFrom } from '@parley/protocol';

/**
 * The two steps of starting a socket that query the database: the session lookup at the
 * upgrade, then hello (memberships, the re-check, presence, snapshot, calls).
 */
export type StartStep = 'session' | 'hello';

/**
 * Admission for the database work of starting sockets. After a restart thousands of sockets
 * start at once; all their queries at once would take every pooled connection (the sends of
 * sockets already live would wait behind them) and time out waiting for one (1011). At most
 * `concurrency` steps run at once; the rest wait, hellos first (their socket already had its
 * session looked up: finishing it is what gets someone online), then lookups, each in arrival
 * order. A new socket that would wait longer than `maxWaitMs` is refused at once with
 * `overloaded` and a `retryAfterMs`, so it comes back later instead of waiting past its client's
 * handshake timeout. A hello is never refused (its lookup was admitted) except past `maxQueue`.
 */
export interface Admission {
  /**
   * Runs `task` when a slot is free. Rejects with AppError('overloaded', {retryAfterMs}) when the
   * line is too long; resolves with undefined, without running it, if `abandoned()` is true by
   * the time its turn comes (the socket closed while it waited).
   */
  run<T>(step: StartStep, task: () => Promise<T>, abandoned: () => boolean): Promise<T | undefined>;
  stats(): AdmissionStats;
}

export interface AdmissionStats {
  running: number;
  queued: number;
  /** Sockets refused because the line was too long (monotonic). */
  refused: number;
}

export interface AdmissionOptions {
  concurrency: number;
  /** Refuse a new socket rather than queue it when its expected wait is longer than this. */
  maxWaitMs: number;
  /** Refuse rather than queue past this many waiting, whatever the estimate (memory bound). */
  maxQueue?: number;
  now?: () => number;
  random?: () => number;
}

/**
 * Sockets per second a node is assumed to start at least (a 2-core VM with Postgres on the same
 * machine did 250-375 while the load generator shared its cores). Right after a restart nothing
 * has been measured yet, and a storm is what comes first.
 */
export const ASSUMED_STARTS_PER_S = 200;
const RATE_BUCKET_MS = 1_000;
/** The estimate is the best second of the last minute: what this node can do when busy. */
const RATE_HISTORY_BUCKETS = 60;
/** Refusals of the last this-many seconds (one burst) are expected back, and spread over. */
const REFUSED_HISTORY_BUCKETS = 3;
const DEFAULT_MAX_QUEUE = 50_000;
const MIN_RETRY_AFTER_MS = 1_000;
const MAX_RETRY_AFTER_MS = 60_000;

export function createAdmission(options: AdmissionOptions): Admission {
  const { concurrency, maxWaitMs } = options;
  const maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const queues: Record<StartStep, Array<() => void>> = { hello: [], session: [] };
  let running = 0;
  let refused = 0;
  // Hellos finished per second: the current second, and the ones before it.
  let bucketStart = now();
  let bucketCount = 0;
  const history: number[] = [];
  // Sockets refused per second, the same way: how many will come back.
  let refusedNow = 0;
  const refusedHistory: number[] = [];

  const queued = () => queues.hello.length + queues.session.length;

  function roll(): void {
    const at = now();
    if (at - bucketStart >= RATE_HISTORY_BUCKETS * RATE_BUCKET_MS) {
      history.length = 0;
      refusedHistory.length = 0;
      bucketStart = at;
      bucketCount = 0;
      refusedNow = 0;
      return;
    }
    while (at - bucketStart >= RATE_BUCKET_MS) {
      history.push(bucketCount);
      if (history.length > RATE_HISTORY_BUCKETS) history.shift();
      refusedHistory.push(refusedNow);
      if (refusedHistory.length > REFUSED_HISTORY_BUCKETS) refusedHistory.shift();
      bucketCount = 0;
      refusedNow = 0;
      bucketStart += RATE_BUCKET_MS;
    }
  }

  /**
   * How long a new socket would wait for its hello_ok: every socket in line before it (each
   * waiting for its lookup or its hello), at the best rate seen lately. Optimistic on purpose:
   * a socket let in that then waits too long costs its client a reconnect; one refused for
   * nothing costs it the whole retryAfterMs while the node idles.
   */
  function startsPerSecond(): number {
    roll();
    return Math.max(ASSUMED_STARTS_PER_S, bucketCount, ...history);
  }

  function expectedWaitMs(): number {
    return ((queued() + 1) / startsPerSecond()) * 1000;
  }

  function next(): void {
    while (running < concurrency) {
      const start = queues.hello.shift() ?? queues.session.shift();
      if (start === undefined) return;
      start();
    }
  }

  /**
   * When to come back: not before the line it would have joined has gone, and spread over the
   * time the node needs for everyone refused lately too, so they do not all return at once.
   */
  function refuse(waitMs: number): Promise<never> {
    refused += 1;
    roll();
    refusedNow += 1;
    const comingBack = refusedNow + refusedHistory.reduce((sum, n) => sum + n, 0);
    const spreadMs = (comingBack / startsPerSecond()) * 1000;
    const retryAfterMs = Math.round(Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, waitMs) + random() * spreadMs));
    return Promise.reject(new AppError('overloaded', 'Too many connections are starting, retry later', { retryAfterMs }));
  }

  return {
    run(step, task, abandoned) {
      if (running >= concurrency) {
        if (queued() >= maxQueue) return refuse(expectedWaitMs());
        if (step === 'session') {
          const waitMs = expectedWaitMs();
          if (waitMs > maxWaitMs) return refuse(waitMs);
        }
      }
      return new Promise((resolve, reject) => {
        const start = () => {
          if (abandoned()) return resolve(undefined);
          running += 1;
          Promise.resolve()
            .then(task)
            .finally(() => {
              // The slot is free before the caller hears back: its next step sees it free.
              running -= 1;
              if (step === 'hello') {
                roll();
                bucketCount += 1;
              }
              next();
            })
            .then(resolve, reject);
        };
        if (running < concurrency) start();
        else queues[step].push(start);
      });
    },
    stats: () => ({ running, queued: queued(), refused }),
  };
}

/** Too many sockets starting at once: `error{overloaded, retryAfterMs}`, then close 1013. */
export function refuseForNow(socket: { send(data: string): void; close(code: number, reason: string): void }, error: AppError, ref?: string): void {
  socket.send(encodeFrame(errorFrameFrom(error, ref)));
  socket.close(CLOSE_CODES.try_again_later.code, 'try_again_later');
}
