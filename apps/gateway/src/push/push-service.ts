import type { Logger } from 'pino';
import type { CallInfo, KnownEvent, Message } from '@parley/protocol';
import type { PushEndpointPolicy } from '@parley/api';
import {
  anyPushSubscription,
  callPushRecipients,
  deleteGonePushSubscription,
  deletePushSubscriptionsOfSession,
  messagePushRecipients,
  type Db,
  type PushRecipient,
} from '@parley/db';
import { callPayload, messagePayload } from './push-payloads.ts';
import type { PushMessage, PushTransport } from './push-transport.ts';
import { createWorkQueue } from './work-queue.ts';
import { ACTIVE_VIEW_FRESH_MS } from './active-views.ts';

export interface PushStats {
  sent: number;
  gone: number;
  failed: number;
  /** Jobs refused because a queue was full (push is best effort). */
  dropped: number;
  queued: number;
}

/**
 * Web Push caused by committed events. Every entry point is O(1) and never throws: it offers a
 * job to a bounded queue and returns, so the write path never waits on push. Jobs look the
 * recipients up (one query), then each push goes through a second bounded queue to the push
 * services, each with a timeout. Nothing here can take the node down.
 */
export interface PushService {
  /** The VAPID public key; null when push is off. */
  readonly publicKey: string | null;
  readonly endpoints: PushEndpointPolicy;
  /** A new event was committed and published (not a duplicate). */
  eventCommitted(event: KnownEvent): void;
  /** A call started ringing the other members. */
  callRinging(call: CallInfo): void;
  /** A subscription was stored: stop skipping the lookups. */
  subscribed(): void;
  /** Drops the subscriptions of a signed-out, revoked or deleted session now. */
  sessionRevoked(sessionId: string): void;
  stats(): PushStats;
  /** Resolves when no push work is queued or running (tests). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface PushServiceOptions {
  db: Db;
  logger: Logger;
  /** Null: push is off (no key, nothing sent; subscribe answers not_found). */
  transport: PushTransport | null;
  publicKey: string | null;
  endpoints: PushEndpointPolicy;
  /** Recipient lookups at once (database work). */
  lookupConcurrency: number;
  /** Requests to push services at once. */
  sendConcurrency: number;
  maxQueued: number;
  /** A ringing call's push is useless once the ring is over. */
  ringTimeoutMs: number;
}

/** How often a node that saw no subscription anywhere checks again (others may have one by now). */
export const SUBSCRIBER_CHECK_MS = 5_000;
const CLOSE_WAIT_MS = 2_000;
/** A message push waits this long at most for an offline device; older news is not news. */
export const MESSAGE_TTL_SECONDS = 4 * 3600;

type Job =
  | { kind: 'message'; message: Message }
  | { kind: 'call'; callId: string }
  | { kind: 'missed_call'; callId: string };

interface Send {
  recipient: PushRecipient;
  message: PushMessage;
}

export async function createPushService(options: PushServiceOptions): Promise<PushService> {
  const { db, logger, transport } = options;
  const counts = { sent: 0, gone: 0, failed: 0 };
  // Until a check says otherwise, assume subscribers exist: a missed push is worse than a query.
  let mayHaveSubscribers = true;
  let closed = false;

  const sends = createWorkQueue<Send>({
    concurrency: options.sendConcurrency,
    maxQueued: options.maxQueued,
    run: deliver,
    onError: (error) => logger.error({ err: error }, 'push send failed'),
  });
  const lookups = createWorkQueue<Job>({
    concurrency: options.lookupConcurrency,
    maxQueued: options.maxQueued,
    run: lookUp,
    onError: (error, job) => logger.warn({ err: error, kind: job.kind }, 'push recipients lookup failed'),
  });

  async function checkSubscribers(): Promise<void> {
    mayHaveSubscribers = await anyPushSubscription(db);
  }
  if (transport) await checkSubscribers().catch((error: unknown) => logger.warn({ err: error }, 'push subscriber check failed'));
  const checker = transport
    ? setInterval(() => {
        // Only a node that believes nobody subscribed needs to look again.
        if (!mayHaveSubscribers) checkSubscribers().catch(() => undefined);
      }, SUBSCRIBER_CHECK_MS)
    : undefined;

  function offer(job: Job): void {
    if (!transport || closed || !mayHaveSubscribers) return;
    if (!lookups.offer(job)) logger.warn({ kind: job.kind }, 'push queue full: push dropped');
  }

  /** One query decides who gets it (the rules run in Postgres), then one push per subscription. */
  async function lookUp(job: Job): Promise<void> {
    const now = new Date();
    const sendAll = (conversationId: string, recipients: PushRecipient[], payloadFor: (r: PushRecipient) => string, ttlSeconds: number, urgency: PushMessage['urgency']) => {
      const topic = conversationId.replaceAll('-', '');
      for (const recipient of recipients) sends.offer({ recipient, message: { payload: payloadFor(recipient), ttlSeconds, urgency, topic } });
    };
    if (job.kind === 'message') {
      const m = job.message;
      const audience = await messagePushRecipients(db, { conversationId: m.conversationId, seq: m.seq, senderId: m.senderId, mentions: m.mentions, viewFreshMs: ACTIVE_VIEW_FRESH_MS });
      if (audience) sendAll(m.conversationId, audience.recipients, (r) => JSON.stringify(messagePayload(audience, m, r, now)), MESSAGE_TTL_SECONDS, 'normal');
      return;
    }
    const ringing = job.kind === 'call';
    const callId = job.callId;
    const audience = await callPushRecipients(db, { callId, state: ringing ? 'ringing' : 'ended', viewFreshMs: ACTIVE_VIEW_FRESH_MS });
    if (!audience) return;
    const call = { id: callId, conversationId: audience.conversationId, media: audience.media };
    const payload = JSON.stringify(callPayload(call, audience.callerDisplayName, ringing, now));
    // A ring's push is useless once the ring is over; a missed call keeps like a message.
    const ttlSeconds = ringing ? Math.max(1, Math.floor(options.ringTimeoutMs / 1000)) : MESSAGE_TTL_SECONDS;
    sendAll(audience.conversationId, audience.recipients, () => payload, ttlSeconds, ringing ? 'high' : 'normal');
  }

  async function deliver({ recipient, message }: Send): Promise<void> {
    if (!transport) return;
    const { outcome, status } = await transport.send({ endpoint: recipient.endpoint, keys: { p256dh: recipient.p256dh, auth: recipient.auth } }, message);
    counts[outcome] += 1;
    if (outcome === 'gone') {
      await deleteGonePushSubscription(db, recipient.subscriptionId, recipient.endpoint);
      logger.info({ subscriptionId: recipient.subscriptionId, status }, 'push subscription gone: deleted');
    } else if (outcome === 'failed') {
      // The endpoint's host only: the path is the subscription's secret.
      logger.warn({ subscriptionId: recipient.subscriptionId, status, host: new URL(recipient.endpoint).host }, 'push not accepted');
    }
  }

  return {
    publicKey: transport ? options.publicKey : null,
    endpoints: options.endpoints,
    eventCommitted(event) {
      if (event.kind !== 'message_created') return;
      const message = event.message;
      if (message.kind === 'text' && message.deletedAt === null) offer({ kind: 'message', message });
      // Any end but `declined` (then every callee declined): whoever was rung and neither joined
      // nor declined missed it, also in a group call that others answered.
      else if (message.kind === 'call' && message.call && message.call.endReason !== 'declined') {
        offer({ kind: 'missed_call', callId: message.call.callId });
      }
    },
    callRinging(call) {
      offer({ kind: 'call', callId: call.id });
    },
    subscribed() {
      mayHaveSubscribers = true;
    },
    sessionRevoked(sessionId) {
      deletePushSubscriptionsOfSession(db, sessionId).catch((error: unknown) => logger.warn({ err: error }, 'push subscriptions of a revoked session not deleted'));
    },
    stats: () => ({ ...counts, dropped: lookups.dropped + sends.dropped, queued: lookups.size + sends.size }),
    async idle() {
      await lookups.idle();
      await sends.idle();
    },
    async close() {
      closed = true;
      clearInterval(checker);
      // A slow push service must not hold shutdown: what is still running after this is let go.
      const drained = Promise.all([lookups.close(), sends.close()]);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([drained, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
      clearTimeout(timer);
    },
  };
}
