/**
 * One queue of pending writes, flushed one batch at a time (group commit): a submit to an idle
 * lane flushes at once, and submits that arrive while a flush runs go out together in the
 * next. A slow database makes batches bigger and acks later, never lost or reordered.
 */
export interface WriteLane<T> {
  push(item: T): void;
  /** Removes and returns the queued items that match, in queue order (not the batch in flight). */
  take(matches: (item: T) => boolean): T[];
  readonly size: number;
  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void>;
}

export interface WriteLaneOptions<T> {
  maxBatch: number;
  /** Wait for company before a flush of an idle lane (0: flush at once). */
  flushIntervalMs: number;
  /** Commits one batch and settles its items; must not throw. */
  flush(batch: T[]): Promise<void>;
}

export function createWriteLane<T>(options: WriteLaneOptions<T>): WriteLane<T> {
  const queue: T[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;

  function schedule(): void {
    if (running || timer || queue.length === 0) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        running = drain().finally(() => {
          running = undefined;
          schedule();
        });
      },
      queue.length >= options.maxBatch ? 0 : options.flushIntervalMs,
    );
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) await options.flush(queue.splice(0, options.maxBatch));
  }

  return {
    push(item) {
      queue.push(item);
      if (queue.length >= options.maxBatch && timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      schedule();
    },
    take(matches) {
      const taken: T[] = [];
      for (let i = 0; i < queue.length; ) {
        if (matches(queue[i] as T)) taken.push(...queue.splice(i, 1));
        else i += 1;
      }
      return taken;
    },
    get size() {
      return queue.length;
    },
    async idle() {
      for (;;) {
        if (running) {
          await running;
          continue;
        }
        if (queue.length === 0) return;
        // Flush now rather than after the interval: someone is waiting for it.
        if (timer) clearTimeout(timer);
        timer = undefined;
        running = drain().finally(() => {
          running = undefined;
          schedule();
        });
      }
    },
  };
}
