import { wrap, type DBSchema, type IDBPDatabase } from 'idb';
import { isSendable } from '../outbox-action.ts';
import { decideClaim, mayPut, type OutboxStore, type StoredOutboxEntry } from '../outbox-store.ts';

const STORE = 'entries';
/** Bump with an upgrade step when the record shape changes incompatibly. */
const SCHEMA_VERSION = 1;

interface OutboxDb extends DBSchema {
  entries: { key: string; value: StoredOutboxEntry };
}

export interface IndexedDbOutboxStoreOptions {
  /** The signed-in user: each user's outbox is its own database, so nobody sends another's. */
  userId: string;
  /** The IndexedDB factory; default `globalThis.indexedDB` (tests pass fake-indexeddb's). */
  indexedDB?: IDBFactory;
}

export interface IndexedDbOutboxStore extends OutboxStore {
  /** Closes the connection (it reopens on the next operation). */
  close(): void;
}

/** One database per user; `deleteIndexedDbOutbox` removes it (e.g. on an explicit sign-out). */
export function outboxDatabaseName(userId: string): string {
  return `parley-outbox:${userId}`;
}

/**
 * The browser's OutboxStore: one IndexedDB database per user, one record per entry keyed by
 * clientId. `claim` and `put` each run in one readwrite transaction, so two tabs racing for an
 * entry see one winner. The database opens lazily, on the first operation, never at import.
 */
export function createIndexedDbOutboxStore(options: IndexedDbOutboxStoreOptions): IndexedDbOutboxStore {
  const factory = options.indexedDB ?? globalThis.indexedDB;
  let opening: Promise<IDBPDatabase<OutboxDb>> | undefined;

  const db = (): Promise<IDBPDatabase<OutboxDb>> => {
    if (opening) return opening;
    const request = factory.open(outboxDatabaseName(options.userId), SCHEMA_VERSION);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: 'clientId' });
    };
    const current = (wrap(request) as Promise<IDBPDatabase<OutboxDb>>).then((database) => {
      // Another tab upgrading or deleting the database: let it, and reopen on the next call.
      database.addEventListener('versionchange', () => {
        database.close();
        if (opening === current) opening = undefined;
      });
      database.addEventListener('close', () => {
        if (opening === current) opening = undefined;
      });
      return database;
    });
    current.catch(() => {
      if (opening === current) opening = undefined; // a failed open is retried next time
    });
    opening = current;
    return current;
  };

  return {
    async claim(request) {
      const tx = (await db()).transaction(STORE, 'readwrite');
      // Records this version cannot send (corrupt, or written by a newer SDK) are left alone.
      const entries = (await tx.store.getAll()).filter(isStoredEntry);
      const result = decideClaim(entries, request);
      await Promise.all([...result.mine.map((entry) => tx.store.put(entry)), tx.done]);
      return result;
    },
    async put(entry, now) {
      const tx = (await db()).transaction(STORE, 'readwrite');
      const existing = await tx.store.get(entry.clientId);
      const allowed = mayPut(existing && isStoredEntry(existing) ? existing : undefined, entry, now);
      await Promise.all([allowed ? tx.store.put(entry) : undefined, tx.done]);
      return allowed;
    },
    async delete(clientId) {
      await (await db()).delete(STORE, clientId);
    },
    close() {
      void opening?.then((database) => database.close(), () => undefined);
      opening = undefined;
    },
  };
}

/** Removes a user's persisted outbox (unsent messages included). */
export async function deleteIndexedDbOutbox(options: IndexedDbOutboxStoreOptions): Promise<void> {
  const factory = options.indexedDB ?? globalThis.indexedDB;
  await wrap(factory.deleteDatabase(outboxDatabaseName(options.userId)));
}

function isStoredEntry(value: unknown): value is StoredOutboxEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.owner === 'string' &&
    typeof v.leaseUntil === 'number' &&
    typeof v.order === 'number' &&
    typeof v.createdAt === 'number' &&
    isSendable(v.clientId, v.conversationId, v.action)
  );
}
