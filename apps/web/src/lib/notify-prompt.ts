import type { KeyValueStorage } from './browser-storage.ts';

/** Per user: the person answered the in-app prompt ("Not now", or the browser's own answer). */
export const promptKey = (userId: string) => `parley.notify-prompt.v1.${userId}`;

export type PermissionState = 'default' | 'granted' | 'denied' | 'unsupported';

/**
 * The "Turn on desktop notifications" banner shows only once the person has been active (sent
 * a message in this page: never on first load), while the browser has not been asked yet, and
 * until they answer or dismiss it (remembered per user on this device).
 */
export function shouldOfferNotifications(input: { permission: PermissionState; active: boolean; storage: KeyValueStorage | null; userId: string }): boolean {
  if (input.permission !== 'default' || !input.active) return false;
  return input.storage === null || input.storage.getItem(promptKey(input.userId)) === null;
}
