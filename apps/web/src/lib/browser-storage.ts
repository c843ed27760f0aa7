/** What `localStorage` offers; tests pass a Map-backed fake. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** What clearing a user's data needs on top: walking the keys (`localStorage` has it). */
export interface EnumerableStorage extends KeyValueStorage {
  readonly length: number;
  key(index: number): string | null;
}

/** `localStorage` when the browser lets us use it; null on the server or when it is blocked. */
export function browserStorage(): EnumerableStorage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}
