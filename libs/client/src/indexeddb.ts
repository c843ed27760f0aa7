// Browser-only entry point (`@parley/client/indexeddb`): kept apart so Node users of
// `@parley/client` never load IndexedDB code.
export {
  createIndexedDbOutboxStore,
  deleteIndexedDbOutbox,
  outboxDatabaseName,
  type IndexedDbOutboxStore,
  type IndexedDbOutboxStoreOptions,
} from './indexeddb/indexeddb-outbox-store.ts';
export { sessionOwnerId, OUTBOX_OWNER_KEY } from './indexeddb/session-owner.ts';
