/**
 * Runs tasks one at a time in the order they were queued. A connection's call frames go
 * through one: each is authorized against Postgres before it is relayed, and concurrent
 * queries finish in any order, which would let an ICE candidate overtake its offer (the
 * browser then refuses it: "remote description was null").
 */
export interface SerialLane {
  run<T>(task: () => Promise<T> | T): Promise<T>;
}

export function createSerialLane(): SerialLane {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run(task) {
      const result = tail.then(task);
      // A failed task answers its own caller; the next one still runs.
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
