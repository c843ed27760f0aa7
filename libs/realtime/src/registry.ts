import type { PresenceWatch } from './presence-watch.ts';

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
  /** Whose presence it hears: null every contact, else only these (presence-watch.ts). */
  watch: PresenceWatch;
}

/**
 * Up to this many values a key keeps them in an array: most keys hold one value (a user's one
 * socket, a session's one socket), and a one-element array costs ~50 bytes where a Set costs
 * ~200. Past it a Set, so big keys (a 1,000-member conversation) still remove in O(1).
 */
const ARRAY_MAX = 8;

/** Many-to-many index whose `add`/`remove` report the empty <-> non-empty transitions. */
export class SetIndex<V> {
  readonly #map = new Map<string, V[] | Set<V>>();

  /** Returns true when `key` had no values before. */
  add(key: string, value: V): boolean {
    const values = this.#map.get(key);
    if (values === undefined) {
      this.#map.set(key, [value]);
      return true;
    }
    if (!Array.isArray(values)) {
      values.add(value);
    } else if (!values.includes(value)) {
      if (values.length < ARRAY_MAX) values.push(value);
      else this.#map.set(key, new Set([...values, value]));
    }
    return false;
  }

  /** Returns true when `value` was the last one under `key`. */
  remove(key: string, value: V): boolean {
    const values = this.#map.get(key);
    if (values === undefined) return false;
    if (Array.isArray(values)) {
      const at = values.indexOf(value);
      if (at < 0) return false;
      values.splice(at, 1);
    } else if (!values.delete(value)) {
      return false;
    }
    const left = Array.isArray(values) ? values.length : values.size;
    if (left > 0) return false;
    this.#map.delete(key);
    return true;
  }

  has(key: string): boolean {
    return this.#map.has(key);
  }

  /** Whether `value` is under `key`. */
  includes(key: string, value: V): boolean {
    const values = this.#map.get(key);
    if (values === undefined) return false;
    return Array.isArray(values) ? values.includes(value) : values.has(value);
  }

  /** How many values `key` holds (0 for none), without copying them. */
  count(key: string): number {
    const values = this.#map.get(key);
    if (values === undefined) return 0;
    return Array.isArray(values) ? values.length : values.size;
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
