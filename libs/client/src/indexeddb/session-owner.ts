import { randomUuid } from '../client-id.ts';

export const OUTBOX_OWNER_KEY = 'parley-outbox-owner';

/**
 * This tab's outbox owner id (`outboxOwner`), kept in sessionStorage: the same after a reload
 * of the tab, so it takes its own unsent entries back at once instead of waiting out their
 * lease, and different in every other tab. (A duplicated tab copies sessionStorage and so
 * shares the id: both then send the same entries, which the server stores once.)
 */
export function sessionOwnerId(storage: Pick<Storage, 'getItem' | 'setItem'>, newId: () => string = randomUuid): string {
  try {
    const existing = storage.getItem(OUTBOX_OWNER_KEY);
    if (existing) return existing;
    const id = newId();
    storage.setItem(OUTBOX_OWNER_KEY, id);
    return id;
  } catch {
    // Storage disabled (some private modes): a fresh id per page still works, minus the reload case.
    return newId();
  }
}
