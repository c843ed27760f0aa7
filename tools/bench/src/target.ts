/** One client connection of a benchmark target, joined to one room (conversation). */
export interface BenchConnection {
  /** Sends a payload that the server delivers to every other connection in the room. */
  send(payload: string): void;
  close(): Promise<void>;
}

/** Called for every payload a connection receives from another member of its room. */
export type OnPayload = (payload: string) => void;

/**
 * A server under test, with its own client. The server runs in a child process (its CPU and
 * memory are measured there); clients run in the benchmark process.
 */
export interface BenchTarget {
  readonly name: string;
  /** What a delivery means for this target (shown under the results table). */
  readonly delivery: string;
  /** Starts the server and creates `rooms` rooms of `clientsPerRoom` identities. */
  start(rooms: number, clientsPerRoom: number): Promise<void>;
  /** Root pids of the server's process trees (one per node). */
  serverPids(): number[];
  connect(room: number, client: number, onPayload: OnPayload): Promise<BenchConnection>;
  /** Problems the server reported (error frames, unparseable frames): a clean run has none. */
  errors?(): string[];
  /** Extra latencies the target measured itself (Parley: send → durable ack), in ms. */
  extraSamples?(): Record<string, number[]>;
  stop(): Promise<void>;
}
