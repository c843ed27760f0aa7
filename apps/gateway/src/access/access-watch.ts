import type { Logger } from 'pino';
import {
  accessChangesAfter,
  accessLogHead,
  activeSessionsAmong,
  membershipsAmong,
  pruneAccessChanges,
  type AccessChange,
  type Db,
} from '@parley/db';
import { CLOSE_CODES } from '@parley/protocol';
import type { Hub } from '@parley/realtime';

/** How often each node reads the access log: with the query, the bound on a lost bus message. */
export const ACCESS_POLL_MS = 1_000;
/** Rows read per query; a longer backlog is read in several queries, back to back. */
const ACCESS_BATCH = 500;
/** Rows older than this are pruned: far longer than any node can go without reading the log. */
export const ACCESS_RETENTION_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 10 * 60 * 1000;
/** A user whose membership the bus kept changing is re-checked at most this many rounds, then applied. */
const MAX_DEFERRALS = 5;

export interface AccessWatchOptions {
  db: Db;
  hub: Hub;
  logger: Logger;
  pollMs?: number;
  retentionMs?: number;
}

export interface AccessWatch {
  /** One read of the log now (the timer calls it too); resolves when it is applied. */
  poll(): Promise<void>;
  close(): Promise<void>;
}

interface Pair {
  userId: string;
  conversationId: string;
  deferrals: number;
}

const pairKey = (p: { userId: string; conversationId: string }) => `${p.conversationId} ${p.userId}`;

/**
 * The durable path of revocation. Bus messages (leave, close_session) apply removals and
 * sign-outs on every node within milliseconds, but they are at-most-once. Every change to who
 * may see a conversation or use a session is also a row of the access log, written by
 * Postgres in the change's own transaction; each node reads the log by id every second and
 * applies what the database says *now* to its own sockets: members in or out of the
 * conversation (and told so with conversation_changed), revoked sessions closed with 4001. A
 * change whose bus message was lost therefore takes effect within about a second anyway.
 */
export async function startAccessWatch(options: AccessWatchOptions): Promise<AccessWatch> {
  const { db, hub, logger } = options;
  const pollMs = options.pollMs ?? ACCESS_POLL_MS;
  const retentionMs = options.retentionMs ?? ACCESS_RETENTION_MS;
  // Sockets attach after this and read their membership themselves (hello): older rows are moot.
  let cursor = await accessLogHead(db);
  let lastReadAt = Date.now();
  let lastPruneAt = 0;
  let failing = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  /** Reads run one at a time, whoever asks (the timer or a caller of poll()). */
  let chain: Promise<void> = Promise.resolve();
  const serial = () => (chain = chain.then(poll));
  /** Pairs whose check was overtaken by a bus message: checked again next round. */
  const recheck = new Map<string, Pair>();

  async function applyMemberships(changes: readonly AccessChange[]): Promise<void> {
    const pairs = new Map(recheck);
    for (const change of changes) {
      if (change.kind !== 'membership' || !hub.hasUser(change.userId)) continue;
      const key = pairKey(change);
      if (!pairs.has(key)) pairs.set(key, { userId: change.userId, conversationId: change.conversationId, deferrals: 0 });
    }
    if (pairs.size === 0) return;
    const versions = new Map([...pairs.values()].map((p) => [p.userId, hub.membershipVersion(p.userId)]));
    const present = await membershipsAmong(db, [...pairs.values()]);
    recheck.clear();
    for (const [key, pair] of pairs) {
      // A join or leave for this user was applied while we read: it may be newer than our read.
      if (hub.membershipVersion(pair.userId) !== versions.get(pair.userId) && pair.deferrals < MAX_DEFERRALS) {
        recheck.set(key, { ...pair, deferrals: pair.deferrals + 1 });
        continue;
      }
      const member = present.has(key);
      const changed = hub.setMembershipLocally(pair.userId, pair.conversationId, member);
      if (changed.length === 0) continue;
      // The bus message that should have done this was lost: so was the frame telling the client.
      logger.info({ userId: pair.userId, conversationId: pair.conversationId, member, sockets: changed.length }, 'access log applied a membership change the bus missed');
      for (const socketId of changed) {
        hub.publishToSocket(socketId, { type: 'conversation_changed', conversationId: pair.conversationId, change: member ? 'added' : 'removed' });
      }
    }
  }

  async function applySessions(changes: readonly AccessChange[]): Promise<void> {
    const sessionIds = [...new Set(changes.flatMap((c) => (c.kind === 'session' && hub.hasSession(c.sessionId) ? [c.sessionId] : [])))];
    if (sessionIds.length === 0) return;
    const active = await activeSessionsAmong(db, sessionIds);
    for (const sessionId of sessionIds) {
      if (active.has(sessionId)) continue;
      const closedSockets = hub.closeSessionLocally(sessionId, CLOSE_CODES.unauthorized.code, 'signed_out');
      if (closedSockets > 0) logger.info({ sessionId, sockets: closedSockets }, 'access log closed the sockets of a revoked session');
    }
  }

  async function readOnce(): Promise<void> {
    for (;;) {
      const changes = await accessChangesAfter(db, cursor, ACCESS_BATCH);
      await applySessions(changes);
      await applyMemberships(changes);
      const last = changes.at(-1);
      if (last !== undefined) cursor = last.id;
      if (changes.length < ACCESS_BATCH) return;
    }
  }

  async function poll(): Promise<void> {
    try {
      await readOnce();
      if (failing) logger.info({ downMs: Date.now() - lastReadAt }, 'access log readable again');
      failing = false;
      // Rows this node may have missed are pruned by now: only a fresh hello re-reads everything.
      if (Date.now() - lastReadAt > retentionMs / 2) {
        logger.warn({ sinceMs: Date.now() - lastReadAt }, 'access log unread for too long: reconnecting every socket');
        hub.closeAll(CLOSE_CODES.service_restart.code, 'service_restart');
      }
      lastReadAt = Date.now();
      if (Date.now() - lastPruneAt > PRUNE_EVERY_MS) {
        lastPruneAt = Date.now();
        await pruneAccessChanges(db, retentionMs);
      }
    } catch (error) {
      // One line per outage; the next round tries again from the same cursor.
      if (!failing) logger.warn({ err: error }, 'access log read failed; retrying every poll');
      failing = true;
    }
  }

  function schedule(): void {
    if (closed) return;
    timer = setTimeout(() => void serial().then(schedule), pollMs);
  }
  schedule();

  return {
    poll: serial,
    async close() {
      closed = true;
      clearTimeout(timer);
      await chain;
    },
  };
}
