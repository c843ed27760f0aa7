/**
 * What the gateway hands the hub for each WebSocket: the few `ws` members the hub uses, plus
 * who is on the other end.
 */
export interface HubSocket {
  readonly id: string;
  readonly userId: string;
  readonly sessionId: string;
  /** One text frame: a string, or its UTF-8 bytes (what the hub fans out: encoded once for all). */
  send(data: string | Buffer): void;
  /**
   * Bytes queued in the socket but not yet sent, as they go on the wire (UTF-8): the
   * slow-consumer limit is in bytes, and non-Latin text is up to 3 bytes per UTF-16 unit.
   */
  readonly bufferedAmount: number;
  close(code: number, reason: string): void;
}

export interface SocketEntry {
  readonly socket: HubSocket;
  readonly conversations: Set<string>;
  /** Set once the socket leaves the registry; deliveries already in a loop skip it. */
  removed: boolean;
}

/** Many-to-many index whose `add`/`remove` report the empty <-> non-empty transitions. */
export class SetIndex<V> {
  readonly #map = new Map<string, Set<V>>();

  /** Returns true when `key` had no values before. */
  add(key: string, value: V): boolean {
    const values = this.#map.get(key);
    if (values !== undefined) {
      values.add(value);
      return false;
    }
    this.#map.set(key, new Set([value]));
    return true;
  }

  /** Returns true when `value` was the last one under `key`. */
  remove(key: string, value: V): boolean {
    const values = this.#map.get(key);
    if (values === undefined || !values.delete(value)) return false;
    if (values.size > 0) return false;
    this.#map.delete(key);
    return true;
  }

  has(key: string): boolean {
    return this.#map.has(key);
  }

  /** How many values `key` holds (0 for none), without copying them. */
  count(key: string): number {
    return this.#map.get(key)?.size ?? 0;
  }

  /** A copy, so callers may remove values while iterating. */
  list(key: string): V[] {
    const values = this.#map.get(key);
    return values === undefined ? [] : [...values];
  }

  clear(): void {
    this.#map.clear();
  }

  get size(): number {
    return this.#map.size;
  }
}
