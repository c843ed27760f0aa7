import type { EnumerableStorage } from '../lib/browser-storage.ts';

/** A Map-backed stand-in for localStorage, with key enumeration like the real one. */
export function memoryStorage(): EnumerableStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get length() {
      return map.size;
    },
    key: (index) => [...map.keys()][index] ?? null,
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}
