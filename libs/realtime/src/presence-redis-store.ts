import { createHash } from 'node:crypto';
import { AppError, type PresenceStatus } from '@parley/protocol';
import { Redis } from 'ioredis';
import { createConsoleLogger, errorInfo, type HubLogger } from './logger.ts';
import { AGGREGATE_SCRIPT, REFRESH_SCRIPT, SWEEP_SCRIPT, USER_SCRIPT } from './presence-redis-lua.ts';
import { PRESENCE_STATUS_RETENTION_MS, toUserPresence, type PresenceStore, type SettleResult } from './presence-store.ts';

/** Entries per heartbeat script: bounds how long one script holds Redis. */
const REFRESH_CHUNK_ENTRIES = 500;

export type RedisPresenceStoreOptions = ({ url: string; connectionName?: string } | { redis: Redis }) & {
  /** Prepended to every key; default `parley:` (keys are `<prefix>presence:...`). */
  keyPrefix?: string;
  retentionMs?: number;
  logger?: HubLogger;
};

export interface RedisPresenceStore extends PresenceStore {
  /** Owned connection: resolves once connected; rejects AppError('unavailable') after `timeoutMs`. */
  waitUntilReady(timeoutMs: number): Promise<void>;
}

interface Script {
  source: string;
  sha: string;
}

const script = (source: string): Script => ({ source, sha: createHash('sha1').update(source).digest('hex') });
const scripts = { user: script(USER_SCRIPT), refresh: script(REFRESH_SCRIPT), sweep: script(SWEEP_SCRIPT), aggregate: script(AGGREGATE_SCRIPT) };

/**
 * The PresenceStore on one Redis (standalone or primary; not Redis Cluster: `due` is one key
 * that every user script touches). Each user operation is one Lua script, so it is atomic.
 * An owned connection fails fast during an outage (no offline queue): the tracker logs, and
 * its heartbeat re-creates entries once Redis is back.
 */
export function createRedisPresenceStore(options: RedisPresenceStoreOptions): RedisPresenceStore {
  const logger = options.logger ?? createConsoleLogger();
  const prefix = `${options.keyPrefix ?? 'parley:'}presence:`;
  const retentionMs = options.retentionMs ?? PRESENCE_STATUS_RETENTION_MS;
  const owned = 'url' in options;
  const redis =
    'url' in options
      ? new Redis(options.url, {
          connectionName: options.connectionName ?? 'parley-presence',
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
        })
      : options.redis;
  let errorLogged = false;
  if (owned) {
    redis.on('error', (error: unknown) => {
      if (errorLogged) return; // one line per outage, not one per retry
      errorLogged = true;
      logger.error(errorInfo(error), 'presence redis connection error');
    });
    redis.on('ready', () => {
      errorLogged = false;
    });
  }

  const keys = {
    conn: (userId: string) => `${prefix}conn:${userId}`,
    info: (userId: string) => `${prefix}info:${userId}`,
    status: (userId: string) => `${prefix}status:${userId}`,
    due: `${prefix}due`,
  };

  /** EVALSHA, falling back to EVAL once Redis has forgotten the script (restart, flush). */
  async function run(s: Script, keyList: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(s.sha, keyList.length, ...keyList, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(s.source, keyList.length, ...keyList, ...args);
    }
  }

  function userKeys(userId: string): string[] {
    return [keys.conn(userId), keys.info(userId), keys.status(userId), keys.due];
  }

  /** settle_user's reply (presence-redis-lua.ts) as a SettleResult. */
  function settled(userId: string, [changed, status, lastSeenAt, recheckInMs]: [number, PresenceStatus, number, number]): SettleResult {
    return {
      presence: toUserPresence(userId, { status, lastSeenAt: lastSeenAt < 0 ? null : lastSeenAt }),
      changed: changed === 1,
      recheckInMs: recheckInMs < 0 ? null : recheckInMs,
    };
  }

  async function runUser(op: 'upsert' | 'remove' | 'settle', userId: string, graceMs: number, rest: Array<string | number>): Promise<SettleResult> {
    const reply = await run(scripts.user, userKeys(userId), [op, userId, graceMs, retentionMs, ...rest]);
    return settled(userId, reply as [number, PresenceStatus, number, number]);
  }

  return {
    upsertConnection({ userId, connectionId, nodeId, state }, { ttlMs, graceMs }) {
      return runUser('upsert', userId, graceMs, [connectionId, state, nodeId, ttlMs]);
    },

    removeConnection(userId, connectionId, graceMs) {
      return runUser('remove', userId, graceMs, [connectionId]);
    },

    settle(userId, graceMs) {
      return runUser('settle', userId, graceMs, []);
    },

    async refreshNode(nodeId, entries, ttlMs) {
      const chunks: Array<Promise<unknown>> = [];
      // Sent back to back: one round trip in practice, each chunk atomic.
      for (let start = 0; start < entries.length; start += REFRESH_CHUNK_ENTRIES) {
        const chunk = entries.slice(start, start + REFRESH_CHUNK_ENTRIES);
        const keyList = [keys.due, ...chunk.flatMap((e) => [keys.conn(e.userId), keys.info(e.userId)])];
        const args = [ttlMs, nodeId, ...chunk.flatMap((e) => [e.userId, e.connectionId, e.state])];
        chunks.push(run(scripts.refresh, keyList, args));
      }
      const replies = (await Promise.all(chunks)) as string[][];
      return [...new Set(replies.flat())];
    },

    async aggregate(userId) {
      const [active, idle] = (await run(scripts.aggregate, [keys.conn(userId), keys.info(userId)], [])) as [number, number];
      return { active, idle };
    },

    async getStatuses(userIds) {
      if (userIds.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const userId of userIds) pipeline.hmget(keys.status(userId), 'status', 'lastSeenAt');
      const replies = (await pipeline.exec()) ?? [];
      return userIds.map((userId, i) => {
        const [error, value] = replies[i] ?? [new Error('missing reply'), null];
        if (error) throw error;
        const [status, lastSeenAt] = value as [string | null, string | null];
        if (status === null) return toUserPresence(userId, undefined);
        return toUserPresence(userId, { status: status as PresenceStatus, lastSeenAt: lastSeenAt === null ? null : Number(lastSeenAt) });
      });
    },

    async sweepDue(limit, graceMs) {
      const flat = (await run(scripts.sweep, [keys.due], [prefix, limit, graceMs, retentionMs])) as Array<string | number>;
      const results: SettleResult[] = [];
      for (let i = 0; i + 4 < flat.length; i += 5) {
        const reply = flat.slice(i + 1, i + 5) as [number, PresenceStatus, number, number];
        results.push(settled(String(flat[i]), reply));
      }
      return results;
    },

    async waitUntilReady(timeoutMs) {
      if (redis.status === 'ready') return;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          redis.off('ready', onReady);
          reject(new AppError('unavailable', `presence redis not ready after ${timeoutMs} ms`));
        }, timeoutMs);
        const onReady = () => {
          clearTimeout(timer);
          resolve();
        };
        redis.once('ready', onReady);
      });
    },

    async close() {
      if (!owned) return; // a borrowed client belongs to the caller
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}
