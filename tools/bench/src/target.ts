import type { Child } from './child.ts';
import type { ClientSpec } from './client-socket.ts';
import type { CpuMeter } from './postgres-cpu.ts';

/** Clients in rooms: client i is member i % roomSize of room floor(i / roomSize). */
export interface Population {
  rooms: number;
  roomSize: number;
}

export const populationSize = (p: Population) => p.rooms * p.roomSize;
export const roomOf = (p: Population, client: number) => Math.floor(client / p.roomSize);

export interface StartOptions {
  /** Listen on these ports, one per process, instead of free ones (the reconnect storm restarts on the same). */
  ports?: readonly number[];
  /** Load the memory probe (`servers/gc-probe.ts`). */
  gcProbe?: boolean;
  /** `taskset -c` CPU list for the server processes. */
  cpus?: string | undefined;
  /** Extra environment for the server processes, over the target's own (Parley: gateway settings such as SIGN_IN_PER_IP). */
  env?: Readonly<Record<string, string>> | undefined;
}

/** One start of a server under test: fresh processes, nothing carried over in memory. */
export interface RunningServer {
  /** One per process (a Parley node). Their trees are the server's CPU and memory. */
  readonly processes: readonly Child[];
  /** One per process, to restart on the same ports. */
  readonly ports: readonly number[];
  /** How client i of the prepared population connects to this start. */
  client(index: number): ClientSpec;
  stop(): Promise<void>;
}

/**
 * A server under test. `prepare` once per population (Parley: users, sessions and group
 * conversations, written straight to Postgres), then `start` a fresh server as often as a
 * scenario needs; clients all run in the benchmark process.
 */
export interface BenchTarget {
  readonly id: string;
  readonly name: string;
  /** What a delivery means for this target (shown under the results). */
  readonly delivery: string;
  prepare(population: Population): Promise<void>;
  start(options?: StartOptions): Promise<RunningServer>;
  /** Parley: its Postgres, measured apart. */
  readonly postgres?: CpuMeter | undefined;
  /** Releases what `prepare` made (databases, folders). */
  dispose(): Promise<void>;
}
