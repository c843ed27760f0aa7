import type { OutboxRecord } from './outbox-record.ts';

/**
 * A persisted outbox entry and the tab that sends it. One store holds one user's outbox (the
 * app opens it for the signed-in user), shared by every tab of that user on this device.
 *
 * The rule for tabs: **an entry is shown and sent by one tab at a time, its owner**, which
 * holds a lease on it and renews it while it runs. The tab that writes an entry owns it; when
 * its lease runs out (the tab was closed or crashed), the next tab that looks adopts it. A
 * reloaded tab keeps its owner id (the app keeps it in sessionStorage), so it takes its own
 * entries back at once. The server's clientId dedupe makes the rare overlap (a tab frozen past
 * its lease while another adopts) harmless: both may send, it is stored once.
 */
export interface StoredOutboxEntry extends OutboxRecord {
  /** The owning tab's id (`OutboxPersistenceOptions.owner`). */
  owner: string;
  /** ms since the epoch; after it any tab may adopt the entry. */
  leaseUntil: number;
}

export interface ClaimRequest {
  owner: string;
  now: number;
  leaseUntil: number;
}

export interface ClaimResult {
  /** Entries now held by `owner` until `leaseUntil` (its own, renewed, and adopted ones). */
  mine: StoredOutboxEntry[];
  /** Entries another live tab holds. */
  others: StoredOutboxEntry[];
}

/**
 * Where the outbox survives reloads. Every method may be slow or fail: the SDK never waits on
 * a write to send, and a failure is reported (`error` event, reason `storage`) and ignored.
 * Implementations must make `claim` and `put` atomic (one IndexedDB transaction each).
 */
export interface OutboxStore {
  /** Renews and adopts entries by `decideClaim`, in one atomic step. */
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /**
   * Writes the entry unless another owner holds a live lease on it (then resolves false: that
   * tab has taken it over).
   */
  put(entry: StoredOutboxEntry, now: number): Promise<boolean>;
  delete(clientId: string): Promise<void>;
}

/**
 * The claim rule, shared by every store: `owner` keeps what it holds and adopts what nobody
 * live holds, oldest first per conversation, and never adopts an entry while an older entry of
 * the same conversation is still held by another live tab (that tab sends the older one first;
 * adopting the newer one could let it overtake). `mine` is what to write back.
 */
export function decideClaim(entries: readonly StoredOutboxEntry[], request: ClaimRequest): ClaimResult {
  const mine: StoredOutboxEntry[] = [];
  const others: StoredOutboxEntry[] = [];
  const blocked = new Set<string>();
  for (const entry of [...entries].sort((a, b) => a.order - b.order)) {
    const adoptable = entry.leaseUntil <= request.now && !blocked.has(entry.conversationId);
    if (entry.owner === request.owner || adoptable) {
      mine.push({ ...entry, owner: request.owner, leaseUntil: request.leaseUntil });
    } else {
      others.push(entry);
      blocked.add(entry.conversationId);
    }
  }
  return { mine, others };
}

/** Whether `entry` may overwrite `existing` (absent, or not held by another live owner). */
export function mayPut(existing: StoredOutboxEntry | undefined, entry: StoredOutboxEntry, now: number): boolean {
  return existing === undefined || existing.owner === entry.owner || existing.leaseUntil <= now;
}

/** The default store: keeps nothing across reloads, but follows the same rules (tests, Node). */
export function createMemoryOutboxStore(): OutboxStore & { entries(): StoredOutboxEntry[] } {
  const byId = new Map<string, StoredOutboxEntry>();
  return {
    claim(request) {
      const result = decideClaim([...byId.values()], request);
      for (const entry of result.mine) byId.set(entry.clientId, entry);
      return Promise.resolve(structuredClone(result));
    },
    put(entry, now) {
      if (!mayPut(byId.get(entry.clientId), entry, now)) return Promise.resolve(false);
      byId.set(entry.clientId, structuredClone(entry));
      return Promise.resolve(true);
    },
    delete(clientId) {
      byId.delete(clientId);
      return Promise.resolve();
    },
    entries: () => structuredClone([...byId.values()]),
  };
}
