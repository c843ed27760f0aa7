import type { Agent } from 'node:https';
import webpush from 'web-push';

/** `gone`: the push service says the subscription no longer exists (404/410); delete it. */
export type PushOutcome = 'sent' | 'gone' | 'failed';

export interface PushTarget {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushMessage {
  /** UTF-8 JSON; encrypted with aes128gcm (RFC 8291) for the target. */
  payload: string;
  /** How long the push service keeps it for an offline device. */
  ttlSeconds: number;
  urgency: 'high' | 'normal';
  /** RFC 8030 §5.4: an undelivered push with the same topic is replaced, not queued behind. */
  topic: string;
}

/** Sends one push; never throws (a failure is an outcome, logged by the caller). */
export interface PushTransport {
  send(target: PushTarget, message: PushMessage): Promise<{ outcome: PushOutcome; status: number | undefined }>;
}

export interface WebPushTransportOptions {
  vapid: { publicKey: string; privateKey: string; subject: string };
  /** A push service that accepts the connection and then says nothing is given up after this. */
  timeoutMs: number;
  /** TLS agent: tests pass one that trusts their local push service's certificate. */
  agent?: Agent;
}

/** Web Push (RFC 8030) with VAPID (RFC 8292), through the `web-push` library. */
export function createWebPushTransport(options: WebPushTransportOptions): PushTransport {
  const { vapid, timeoutMs, agent } = options;
  return {
    async send(target, message) {
      let timer: NodeJS.Timeout | undefined;
      // The library's `timeout` is an idle timeout: this bounds a service that trickles bytes too.
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`push service did not answer within ${timeoutMs} ms`)), timeoutMs + 1000);
      });
      try {
        const sent = webpush.sendNotification(target, message.payload, {
          vapidDetails: vapid,
          TTL: message.ttlSeconds,
          urgency: message.urgency,
          topic: message.topic,
          contentEncoding: 'aes128gcm',
          timeout: timeoutMs,
          ...(agent ? { agent } : {}),
        });
        sent.catch(() => undefined);
        const result = await Promise.race([sent, deadline]);
        return { outcome: 'sent', status: result.statusCode };
      } catch (error) {
        const status = error instanceof webpush.WebPushError ? error.statusCode : undefined;
        return { outcome: status === 404 || status === 410 ? 'gone' : 'failed', status };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export function generateVapidKeys(): { publicKey: string; privateKey: string } {
  return webpush.generateVAPIDKeys();
}
