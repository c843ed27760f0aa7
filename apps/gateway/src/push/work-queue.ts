/**
 * A bounded FIFO of jobs run at most `concurrency` at a time. `offer` never blocks and never
 * throws: past `maxQueued` the job is dropped and counted (push is best effort; the message
 * itself is in the log). A job that fails is passed to `onError`; the queue carries on.
 */
export interface WorkQueue<T> {
  offer(job: T): boolean;
  /** Resolves once nothing is queued or running (tests). */
  idle(): Promise<void>;
  /** Refuses new jobs and waits for the queued and running ones. */
  close(): Promise<void>;
  readonly size: number;
  readonly dropped: number;
}

export function createWorkQueue<T>(options: {
  concurrency: number;
  maxQueued: number;
  run: (job: T) => Promise<void>;
  onError: (error: unknown, job: T) => void;
}): WorkQueue<T> {
  const queued: T[] = [];
  let running = 0;
  let dropped = 0;
  let closing = false;
  const idle: Array<() => void> = [];

  function pump(): void {
    while (running < options.concurrency && queued.length > 0) {
      const job = queued.shift() as T;
      running += 1;
      options
        .run(job)
        .catch((error: unknown) => options.onError(error, job))
        .finally(() => {
          running -= 1;
          pump();
        });
    }
    if (running === 0 && queued.length === 0) for (const resolve of idle.splice(0)) resolve();
  }

  return {
    offer(job) {
      if (closing || queued.length >= options.maxQueued) {
        dropped += 1;
        return false;
      }
      queued.push(job);
      // Never inside the caller's stack: the write path returns before any push work starts.
      if (queued.length === 1) setImmediate(pump);
      return true;
    },
    async idle() {
      if (running === 0 && queued.length === 0) return;
      await new Promise<void>((resolve) => idle.push(resolve));
    },
    async close() {
      closing = true;
      await this.idle();
    },
    get size() {
      return queued.length + running;
    },
    get dropped() {
      return dropped;
    },
  };
}
