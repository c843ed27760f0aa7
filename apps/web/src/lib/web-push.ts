import type { ApiClient } from './api-types.ts';
import type { KeyValueStorage } from './browser-storage.ts';

/**
 * Web Push in this browser: the service worker (public/sw.js) shows pushes; this module
 * subscribes it with the server's VAPID key and tells the server (push.subscribe). Production
 * builds only, like the worker itself (offline-pages.ts).
 */
const SERVICE_WORKER_URL = '/sw.js';

/** Per user: they turned push on in this browser (so it is renewed after a sign-in or key change). */
export const pushOptInKey = (userId: string) => `parley.push.v1.${userId}`;

export class PushSetupError extends Error {
  override readonly name = 'PushSetupError';
  constructor(
    readonly reason: 'unsupported' | 'denied' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

export function pushSupported(): boolean {
  return (
    process.env.NODE_ENV === 'production' &&
    typeof window !== 'undefined' &&
    'serviceWorker' in navigator &&
    'PushManager' in window &&
    typeof Notification !== 'undefined'
  );
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function sameKey(a: ArrayBuffer | null, b: Uint8Array): boolean {
  if (a === null || a.byteLength !== b.byteLength) return false;
  const view = new Uint8Array(a);
  return view.every((byte, i) => byte === b[i]);
}

async function registration(): Promise<ServiceWorkerRegistration> {
  await navigator.serviceWorker.register(SERVICE_WORKER_URL, { scope: '/' });
  return navigator.serviceWorker.ready;
}

/** The browser's subscription for this site, if push is on. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  const reg = await navigator.serviceWorker.getRegistration('/');
  return (await reg?.pushManager.getSubscription()) ?? null;
}

/**
 * Asks for the permission if needed (call from a click), subscribes with the server's key
 * (again if the server's key changed) and stores the subscription for this session.
 */
export async function enablePush(api: ApiClient, storage: KeyValueStorage | null, userId: string): Promise<void> {
  if (!pushSupported()) throw new PushSetupError('unsupported', 'This browser cannot receive push notifications here');
  const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
  if (permission !== 'granted') throw new PushSetupError('denied', 'Notifications are blocked for this site in the browser’s settings');
  try {
    const reg = await registration();
    const key = keyBytes((await api.push.publicKey.query()).publicKey);
    let subscription = await reg.pushManager.getSubscription();
    if (subscription !== null && !sameKey(subscription.options.applicationServerKey, key)) {
      await subscription.unsubscribe();
      subscription = null;
    }
    subscription ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    const json = subscription.toJSON();
    await api.push.subscribe.mutate({ endpoint: json.endpoint ?? subscription.endpoint, keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' } });
    storage?.setItem(pushOptInKey(userId), 'on');
  } catch (error) {
    throw new PushSetupError('failed', `Push notifications could not be turned on (${error instanceof Error ? error.message : 'unknown error'})`);
  }
}

/** Forgets the subscription on the server, then in the browser. */
export async function disablePush(api: ApiClient, storage: KeyValueStorage | null, userId: string): Promise<void> {
  storage?.removeItem(pushOptInKey(userId));
  const subscription = await currentSubscription();
  if (subscription === null) return;
  await api.push.unsubscribe.mutate({ endpoint: subscription.endpoint }).catch(() => undefined);
  await subscription.unsubscribe().catch(() => false);
}

/**
 * For someone who turned push on here: tells the server again on each start (a sign-out
 * dropped the server's copy; a new session must own it), quietly, never prompting.
 */
export async function renewPush(api: ApiClient, storage: KeyValueStorage | null, userId: string): Promise<void> {
  if (storage?.getItem(pushOptInKey(userId)) !== 'on' || !pushSupported() || Notification.permission !== 'granted') return;
  await enablePush(api, storage, userId).catch(() => undefined);
}
