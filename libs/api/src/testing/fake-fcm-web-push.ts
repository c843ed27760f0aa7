import type { IncomingMessage } from 'node:http';
import type { FcmRegistration, FcmRegistry } from './fake-fcm-registry.ts';
import { verifyVapid, type VapidClaims } from './push-crypto.ts';

/** A push the fake FCM accepted: as the application server sent it, body still encrypted. */
export interface FcmPush {
  token: string;
  /** Chromium's app id of the subscription (`wp:<origin>/#<id>`). */
  appId: string | undefined;
  /** The aes128gcm body (RFC 8291), passed on to Chromium untouched: only the browser can read it. */
  body: Buffer;
  ttl: number;
  urgency: string | undefined;
  topic: string | undefined;
  claims: VapidClaims;
  /** The VAPID public key (`k`) the request was signed with. */
  vapidKey: string;
  /** Set once passed to MCS: the message's id there. */
  persistentId: string;
}

/** RFC 8030 §7.2: a push service accepts payloads of at least 4096 bytes; FCM's limit is that. */
const MAX_PAYLOAD_BYTES = 4096;
const URGENCIES = new Set(['very-low', 'low', 'normal', 'high']);

export type WebPushOutcome =
  | { push: FcmPush; registration: FcmRegistration }
  /** `violation`: the request broke the protocol (recorded); without it, a normal refusal (404 for an unknown endpoint). */
  | { status: number; violation?: string };

const header = (req: IncomingMessage, name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);

/**
 * RFC 8030 §5 push message receipt at `/fcm/send/<token>` (or `/wp/<token>`), as FCM checks
 * it: an encrypted body (aes128gcm), a TTL, a valid Urgency and Topic, and VAPID (RFC 8292)
 * for this host signed with the key the subscription was made with (§4.2: 403 otherwise).
 */
export function receiveWebPush(req: IncomingMessage, body: Buffer, registry: FcmRegistry, hosts: ReadonlySet<string>): WebPushOutcome {
  const token = /^\/(?:fcm\/send|wp)\/([^/?]+)$/.exec(req.url ?? '')?.[1];
  const host = (req.headers.host ?? '').toLowerCase();
  if (req.method !== 'POST' || token === undefined || !hosts.has(host)) return { status: 404 };
  const registration = registry.byToken(decodeURIComponent(token));
  // Unknown or unsubscribed: the application server should delete it (PROTOCOL.md "When subscriptions go").
  if (registration === undefined) return { status: 404 };
  const ttl = Number(header(req, 'ttl'));
  if (!Number.isInteger(ttl) || ttl < 0) return { status: 400, violation: 'TTL header missing or not a non-negative integer (RFC 8030 §5.2)' };
  if (header(req, 'content-encoding') !== 'aes128gcm') return { status: 400, violation: `Content-Encoding is ${header(req, 'content-encoding')}, not aes128gcm (RFC 8291)` };
  if (body.length > MAX_PAYLOAD_BYTES) return { status: 413, violation: `payload of ${body.length} bytes, over ${MAX_PAYLOAD_BYTES}` };
  const urgency = header(req, 'urgency');
  if (urgency !== undefined && !URGENCIES.has(urgency)) return { status: 400, violation: `Urgency ${urgency} (RFC 8030 §5.3)` };
  const topic = header(req, 'topic');
  if (topic !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(topic)) return { status: 400, violation: `Topic ${topic} is not at most 32 base64url characters (RFC 8030 §5.4)` };
  let vapid;
  try {
    vapid = verifyVapid(req.headers.authorization, `https://${host}`);
  } catch (error) {
    return { status: 401, violation: `VAPID: ${String(error)}` };
  }
  if (vapid.publicKey !== registration.sender) return { status: 403, violation: 'VAPID key is not the applicationServerKey the subscription was made with (RFC 8292 §4.2)' };
  const push: FcmPush = { token: registration.token, appId: registration.subtype, body, ttl, urgency, topic, claims: vapid.claims, vapidKey: vapid.publicKey, persistentId: '' };
  return { push, registration };
}
