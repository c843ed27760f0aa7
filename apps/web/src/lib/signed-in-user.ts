import type { PublicUser } from '@parley/protocol';
import type { EnumerableStorage, KeyValueStorage } from './browser-storage.ts';

/**
 * The user this browser was last signed in as, so a reload without a network can show the app
 * (and the unsent messages) instead of an error. Only a hint: the session cookie is HttpOnly,
 * so whether it is still valid is known only once the server answers; the shell asks again as
 * soon as it can and leaves for sign-in if the session is gone.
 */
export const SIGNED_IN_KEY = 'parley.signed-in.v1';

/**
 * Sessions last 30 days by default (SESSION_TTL_DAYS); an older record cannot belong to a
 * live session, so it is not shown even offline. A server with a longer TTL still works
 * online; only the offline start is refused.
 */
export const SIGNED_IN_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

interface Stored {
  user: PublicUser;
  savedAt: number;
}

function isUser(value: unknown): value is PublicUser {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['id'] === 'string' && v['id'] !== '' && typeof v['handle'] === 'string' && typeof v['displayName'] === 'string';
}

/** Records what the server just said about the session: a user, or nobody (signed out). */
export function rememberSignedInUser(storage: KeyValueStorage | null, user: PublicUser | null, now = Date.now()): void {
  try {
    if (user === null) storage?.removeItem(SIGNED_IN_KEY);
    else storage?.setItem(SIGNED_IN_KEY, JSON.stringify({ user, savedAt: now } satisfies Stored));
  } catch {
    // Storage full or blocked: an offline start is then not possible, nothing else changes.
  }
}

/** The last user the server confirmed, if that was recent enough to be a live session. */
export function lastSignedInUser(storage: KeyValueStorage | null, now = Date.now()): PublicUser | null {
  try {
    const raw = storage?.getItem(SIGNED_IN_KEY);
    if (raw == null) return null;
    const stored = JSON.parse(raw) as Partial<Stored>;
    if (!isUser(stored.user) || typeof stored.savedAt !== 'number') return null;
    if (now - stored.savedAt > SIGNED_IN_MAX_AGE_MS || stored.savedAt > now + 60_000) return null;
    return { id: stored.user.id, handle: stored.user.handle, displayName: stored.user.displayName };
  } catch {
    return null;
  }
}

/** Whether the signed-in record names a user other than `userId` (it is theirs to keep). */
function recordOfAnotherUser(storage: KeyValueStorage, userId: string): boolean {
  try {
    const raw = storage.getItem(SIGNED_IN_KEY);
    const stored = raw === null ? null : (JSON.parse(raw) as Partial<Stored>);
    return isUser(stored?.user) && stored.user.id !== userId;
  } catch {
    return false;
  }
}

/**
 * An explicit sign-out on this device: everything Parley kept in localStorage for `userId`
 * (offline copies of the list and history, drafts, emoji usage) and the signed-in record.
 * Keys name the user as one dot-separated part (`parley.draft.v1.<user>.<conversation>`).
 */
export function forgetLocalData(storage: EnumerableStorage | null, userId: string): void {
  if (storage === null || userId === '') return;
  try {
    const keys: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith('parley.') && key.split('.').includes(userId)) keys.push(key);
    }
    for (const key of keys) storage.removeItem(key);
    if (!recordOfAnotherUser(storage, userId)) storage.removeItem(SIGNED_IN_KEY);
  } catch {
    // Blocked storage holds nothing of ours.
  }
}
