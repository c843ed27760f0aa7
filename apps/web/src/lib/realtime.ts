// The one file that touches @parley/client: the rest of the app imports these names, so an
// SDK change is fixed here.
import {
  ConversationTimeline,
  createActivityMonitor,
  createParleyClient,
  describeConnectivity,
  describeSendState,
  replyExcerpt,
  seenBy,
  withoutReaction,
  withReaction,
  type ActivityMonitor,
  type ClientStatus,
  type ClosedInfo,
  type ConnectivityChange,
  type OutboxAction,
  type OutboxEntry,
  type ParleyClient,
  type TypingChange,
} from '@parley/client';
import { createIndexedDbOutboxStore, deleteIndexedDbOutbox, sessionOwnerId } from '@parley/client/indexeddb';
import { CLOSE_CODES } from '@parley/protocol';

export { ConversationTimeline, describeConnectivity, describeSendState, replyExcerpt, seenBy, withReaction, withoutReaction };

export type RealtimeClient = ParleyClient;
export type ConnectionStatus = ClientStatus;
export type PendingSend = OutboxEntry;
export type PendingActionKind = OutboxAction;
export type TypingUsersChange = TypingChange;
export type { ConnectivityChange };

export const CLIENT_NAME = 'parley-web/0.1.0';

/** Same origin as the page: the gateway serves the app and `/ws`. */
export function realtimeUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/**
 * Browser only: call from an effect, never at import or render time. Unsent messages are kept
 * in IndexedDB for `userId`, owned by this tab (the id survives reloads of the tab).
 */
export function createRealtimeClient(userId: string): RealtimeClient {
  return createParleyClient({
    url: realtimeUrl(window.location),
    WebSocket: globalThis.WebSocket,
    clientName: CLIENT_NAME,
    networkOnline: navigator.onLine,
    outboxStore: createIndexedDbOutboxStore({ userId }),
    outboxOwner: sessionOwnerId(window.sessionStorage),
    // A hello_ok for anyone else stops the client before the outbox goes out (user_changed).
    userId,
    // Only the people on screen (usePresence watches them): a big room costs no snapshot of all.
    presence: 'watch',
  });
}

/** The session is gone: go to sign-in instead of showing a reconnect banner. */
export function isUnauthorizedClose(info: Pick<ClosedInfo, 'code' | 'error'>): boolean {
  return info.error?.reason === 'unauthorized' || info.code === CLOSE_CODES.unauthorized.code;
}

/**
 * Reports this tab as idle after IDLE_AFTER_MS without input or while hidden, active again on
 * input. Browser only, like the client; dispose it with the client.
 */
export function startActivityMonitor(client: RealtimeClient): ActivityMonitor {
  return createActivityMonitor({ target: window, document, onChange: (state) => client.setActivity(state) });
}

/** How long a sign-out waits for IndexedDB to delete the outbox (it can hang; it goes on meanwhile). */
export const FORGET_UNSENT_TIMEOUT_MS = 2_000;

/**
 * An explicit sign-out on this device: takes back this tab's unsent actions (so the client
 * neither sends nor re-saves them) and deletes the user's persisted outbox, other tabs'
 * entries included. Entries on the wire right now cannot be taken back; their answer decides.
 */
export async function forgetUnsent(client: RealtimeClient | null, userId: string): Promise<void> {
  for (const entry of client?.outbox() ?? []) client?.cancel(entry.clientId);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, FORGET_UNSENT_TIMEOUT_MS);
  });
  await Promise.race([deleteIndexedDbOutbox({ userId }).catch(() => undefined), timeout]);
  clearTimeout(timer);
}
