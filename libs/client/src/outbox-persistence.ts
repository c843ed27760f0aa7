import type { Clock, TimerHandle } from './clock.ts';
import { ParleyClientError } from './errors.ts';
import type { Outbox, OutboxJournal } from './outbox.ts';
import type { OutboxRecord } from './outbox-record.ts';
import type { ClaimResult, OutboxStore } from './outbox-store.ts';

/** How long a tab's hold on its persisted entries lasts without renewal. */
export const OUTBOX_LEASE_MS = 20_000;
/** How often a tab renews its leases (and looks for entries of closed tabs to adopt). */
export const OUTBOX_RENEW_MS = 5_000;
/**
 * How long sending waits for the persisted entries before going ahead without them. They are
 * older and should go first, but a store that hangs (it happens to IndexedDB) must not stop
 * new messages; late ones are still restored and sent.
 */
export const OUTBOX_LOAD_TIMEOUT_MS = 2_000;

export interface OutboxPersistenceDeps {
  store: OutboxStore;
  /** This tab's id: stable across reloads of the tab, different in every other tab. */
  owner: string;
  clock: Clock;
  /** A store operation failed; reported once until one succeeds again. */
  failed(error: ParleyClientError): void;
}

/**
 * Keeps the outbox and its store in step: writes each change (serialized, so the store sees
 * them in order), restores and adopts entries on start and on every hello_ok, and renews this
 * tab's leases while it holds any. Sending never waits on a write.
 */
export class OutboxPersistence implements OutboxJournal {
  private outbox?: Outbox;
  private chain: Promise<void> = Promise.resolve();
  /** Entries this tab has in the store (written, or restored from it). */
  private readonly persisted = new Set<string>();
  private othersKnown = false;
  private running = false;
  private renewTimer?: TimerHandle;
  private loadTimer?: TimerHandle;
  private failing = false;

  constructor(private readonly deps: OutboxPersistenceDeps) {}

  attach(outbox: Outbox): void {
    this.outbox = outbox;
  }

  /** Reads the store (first connect, or after `stop`), then keeps the leases alive. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loadTimer = this.deps.clock.setTimeout(() => {
      this.loadTimer = undefined;
      this.outbox?.restore([]);
    }, OUTBOX_LOAD_TIMEOUT_MS);
    this.claim();
  }

  /** After every hello_ok: adopt what tabs closed meanwhile left behind. */
  reconnected(): void {
    if (this.running) this.claim();
  }

  stop(): void {
    this.running = false;
    this.clearTimers();
  }

  saved(record: OutboxRecord): void {
    this.enqueue(async () => {
      const now = this.deps.clock.now();
      const written = await this.deps.store.put({ ...record, owner: this.deps.owner, leaseUntil: now + OUTBOX_LEASE_MS }, now);
      if (written) {
        this.persisted.add(record.clientId);
        this.scheduleRenew();
      } else {
        this.persisted.delete(record.clientId);
        this.outbox?.release(record.clientId);
      }
    });
  }

  removed(clientId: string): void {
    this.persisted.delete(clientId);
    this.enqueue(() => this.deps.store.delete(clientId));
  }

  private claim(): void {
    this.enqueue(async () => {
      const now = this.deps.clock.now();
      try {
        this.apply(await this.deps.store.claim({ owner: this.deps.owner, now, leaseUntil: now + OUTBOX_LEASE_MS }));
      } finally {
        // Loaded or not, sending must not wait for the store any longer.
        this.outbox?.restore([]);
        if (this.loadTimer !== undefined) this.deps.clock.clearTimeout(this.loadTimer);
        this.loadTimer = undefined;
      }
    });
  }

  private apply(result: ClaimResult): void {
    const outbox = this.outbox;
    if (!outbox) return;
    const mine = new Set(result.mine.map((entry) => entry.clientId));
    // Held here and written before, but no longer ours in the store: another tab acked,
    // cancelled or adopted it. Entries whose write failed are not in the store: keep them.
    for (const clientId of outbox.clientIds()) {
      if (this.persisted.has(clientId) && !mine.has(clientId)) {
        this.persisted.delete(clientId);
        outbox.release(clientId);
      }
    }
    for (const clientId of mine) this.persisted.add(clientId);
    outbox.restore(result.mine);
    this.othersKnown = result.others.length > 0;
    this.scheduleRenew();
  }

  private scheduleRenew(): void {
    if (!this.running || this.renewTimer !== undefined) return;
    if (this.persisted.size === 0 && !this.othersKnown) return;
    this.renewTimer = this.deps.clock.setTimeout(() => {
      this.renewTimer = undefined;
      this.claim();
    }, OUTBOX_RENEW_MS);
  }

  private enqueue(operation: () => Promise<void>): void {
    this.chain = this.chain
      .then(operation)
      .then(
        () => {
          this.failing = false;
        },
        (error: unknown) => {
          if (this.failing) return;
          this.failing = true;
          const message = error instanceof Error ? error.message : String(error);
          this.deps.failed(new ParleyClientError('storage', `Outbox store failed: ${message}`));
        },
      );
  }

  private clearTimers(): void {
    if (this.renewTimer !== undefined) this.deps.clock.clearTimeout(this.renewTimer);
    if (this.loadTimer !== undefined) this.deps.clock.clearTimeout(this.loadTimer);
    this.renewTimer = this.loadTimer = undefined;
  }
}
