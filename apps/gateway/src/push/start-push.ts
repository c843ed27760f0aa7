import type { Agent } from 'node:https';
import type { Logger } from 'pino';
import { vapidKeyPair, type Db } from '@parley/db';
import type { PushConfig } from './push-config.ts';
import { createPushService, type PushService } from './push-service.ts';
import { createWebPushTransport, generateVapidKeys } from './push-transport.ts';

/** Lookups at once: each is one query on the shared pool, which the write path needs more. */
const LOOKUP_CONCURRENCY = 2;

/**
 * The node's push service: keys from the config, else the pair in Postgres (made by the first
 * node to start, so every node signs with the same key and subscriptions survive restarts).
 */
export async function startPush(options: {
  config: PushConfig | null;
  db: Db;
  logger: Logger;
  ringTimeoutMs: number;
  /** Tests: a TLS agent that trusts their local push service. */
  agent?: Agent | undefined;
}): Promise<PushService> {
  const { config, db, logger } = options;
  const common = { db, logger, lookupConcurrency: LOOKUP_CONCURRENCY, ringTimeoutMs: options.ringTimeoutMs };
  if (config === null) {
    return createPushService({ ...common, transport: null, publicKey: null, endpoints: { hosts: [], allowLoopback: false }, sendConcurrency: 1, maxQueued: 1 });
  }
  const keys = config.vapid ?? (await vapidKeyPair(db, generateVapidKeys));
  const transport = createWebPushTransport({ vapid: { ...keys, subject: config.subject }, timeoutMs: config.timeoutMs, agent: options.agent });
  return createPushService({
    ...common,
    transport,
    publicKey: keys.publicKey,
    endpoints: config.endpoints,
    sendConcurrency: config.sendConcurrency,
    maxQueued: config.maxQueued,
  });
}
