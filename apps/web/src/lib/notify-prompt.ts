import type { KeyValueStorage } from './browser-storage.ts';

/** Per user: the person answered the in-app prompt ("Not now", or the browser's own answer). */
export const promptKey = (userId: string) => `parley.notify-prompt.v1.${userId}`;
/** Per user: the person answered the push prompt shown once desktop notifications were on. */
export const pushPromptKey = (userId: string) => `parley.push-prompt.v1.${userId}`;

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

/**
 * Which banner, if any: `notifications` asks for the browser's permission (and turns Web Push on
 * with it where the browser has push); `push` offers Web Push to someone who already allowed
 * desktop notifications but has no push on this device. Same rules: after activity, until
 * answered or dismissed.
 */
export function notificationOffer(input: {
  permission: PermissionState;
  pushSupported: boolean;
  /** Push is on for this user in this browser (or still being checked: then no offer). */
  pushOn: boolean;
  active: boolean;
  storage: KeyValueStorage | null;
  userId: string;
}): 'none' | 'notifications' | 'push' {
  if (shouldOfferNotifications(input)) return 'notifications';
  if (input.permission !== 'granted' || !input.active || !input.pushSupported || input.pushOn) return 'none';
  return input.storage === null || input.storage.getItem(pushPromptKey(input.userId)) === null ? 'push' : 'none';
}
