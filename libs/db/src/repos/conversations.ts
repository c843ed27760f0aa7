import { randomUUID } from 'node:crypto';
import {
  AppError,
  groupPermissions,
  type HistoryVisibility,
  type MemberRole,
  type MessageCreatedEvent,
  type Permission,
} from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { inTransaction, type Query } from '../client/transaction.ts';
import { isUniqueViolation, isUuid } from './db-errors.ts';
import { appendSystemMessage } from './system-messages.ts';
import { LIVE_CALL_EXISTS_SQL } from './calls.ts';

/** A change to a conversation, and the system message(s) it put in the log. */
export interface ConversationChange {
  /** Publish these (as `chat_event`) once the transaction has committed. */
  events: MessageCreatedEvent[];
  /**
   * The members once the change committed, read in its transaction: the caller applies the
   * change to its sockets right after the commit, with no query (and no wait) in between.
   */
  memberIds: string[];
}

async function membersOf(query: Query, conversationId: string): Promise<string[]> {
  const rows = await query<{ user_id: string }>('SELECT user_id::text AS user_id FROM members WHERE conversation_id = $1', [conversationId]);
  return rows.map((r) => r.user_id);
}

/** One direct conversation per pair: the two ids sorted and joined. */
export function directKeyOf(a: string, b: string): string {
  return [a, b].sort().join(':');
}

async function assertUsersExist(db: Db, ids: readonly string[]): Promise<void> {
  const unique = [...new Set(ids)];
  if (!unique.every(isUuid)) throw new AppError('not_found', 'User not found');
  // A deleted account cannot be added anywhere or messaged anew.
  const count = await db.prisma.user.count({ where: { id: { in: unique }, deletedAt: null } });
  if (count !== unique.length) throw new AppError('not_found', 'User not found');
}

export async function openDirectConversation(
  db: Db,
  userId: string,
  otherUserId: string,
): Promise<{ conversationId: string; created: boolean }> {
  if (userId === otherUserId) throw new AppError('invalid_input', 'Cannot open a direct conversation with yourself');
  await assertUsersExist(db, [userId, otherUserId]);
  const directKey = directKeyOf(userId, otherUserId);
  const existing = await db.prisma.conversation.findUnique({ where: { directKey }, select: { id: true } });
  if (existing) return { conversationId: existing.id, created: false };
  try {
    const created = await db.prisma.conversation.create({
      data: {
        kind: 'direct',
        directKey,
        createdById: userId,
        members: { create: [{ userId }, { userId: otherUserId }] },
      },
      select: { id: true },
    });
    return { conversationId: created.id, created: true };
  } catch (error) {
    // Both users opened it at the same moment: the other insert won, use its row.
    if (!isUniqueViolation(error)) throw error;
    const winner = await db.prisma.conversation.findUniqueOrThrow({ where: { directKey }, select: { id: true } });
    return { conversationId: winner.id, created: false };
  }
}

export async function createGroupConversation(
  db: Db,
  input: { creatorId: string; title: string | null; memberIds: readonly string[]; maxMembers?: number },
): Promise<{ conversationId: string } & ConversationChange> {
  const memberIds = [...new Set([input.creatorId, ...input.memberIds])];
  assertRoomFor(memberIds.length, input.maxMembers);
  await assertUsersExist(db, memberIds);
  const conversationId = randomUUID();
  return inTransaction(db, async (query) => {
    await query(`INSERT INTO conversations (id, kind, title, created_by_id) VALUES ($1, 'group', $2, $3)`, [
      conversationId,
      input.title,
      input.creatorId,
    ]);
    // The creator owns the group; everyone else starts as a member.
    await query(
      `INSERT INTO members (conversation_id, user_id, role)
       SELECT $1, u, (CASE WHEN u = $3::uuid THEN 'owner' ELSE 'member' END)::"MemberRole" FROM unnest($2::uuid[]) AS u`,
      [conversationId, memberIds, input.creatorId],
    );
    await query('SELECT id FROM conversations WHERE id = $1 FOR UPDATE', [conversationId]);
    const created = await appendSystemMessage(query, {
      conversationId,
      actorId: input.creatorId,
      system: { action: 'group_created', title: input.title ?? '' },
    });
    return { conversationId, events: [created], memberIds };
  });
}

interface LockedConversation {
  kind: 'direct' | 'group';
  title: string | null;
  last_seq: string;
  history_visibility: HistoryVisibility;
  /** The actor's role. */
  role: MemberRole;
}

/**
 * Locks the conversation (every change to its log or members holds this lock, so membership
 * and roles read after it are current) and checks that the actor is a member.
 */
async function lockForActor(query: Query, conversationId: string, actorId: string): Promise<LockedConversation> {
  if (!isUuid(conversationId)) throw new AppError('not_member');
  const [conversation] = await query<Omit<LockedConversation, 'role'>>(
    'SELECT kind::text AS kind, title, last_seq, history_visibility::text AS history_visibility FROM conversations WHERE id = $1 FOR UPDATE',
    [conversationId],
  );
  if (!conversation) throw new AppError('not_member');
  const [member] = await query<{ role: MemberRole }>('SELECT role::text AS role FROM members WHERE conversation_id = $1 AND user_id = $2', [
    conversationId,
    actorId,
  ]);
  if (!member) throw new AppError('not_member');
  return { ...conversation, role: member.role };
}

/** A refused group permission, as the error every client shows. */
function allow(permission: Permission): void {
  if (!permission.ok) throw new AppError('forbidden', permission.reason);
}

async function roleOf(query: Query, conversationId: string, userId: string): Promise<MemberRole | undefined> {
  if (!isUuid(userId)) return undefined;
  const [row] = await query<{ role: MemberRole }>('SELECT role::text AS role FROM members WHERE conversation_id = $1 AND user_id = $2', [
    conversationId,
    userId,
  ]);
  return row?.role;
}

/** Refuses a group that would have more than `maxMembers` members (MAX_GROUP_MEMBERS). */
function assertRoomFor(members: number, maxMembers: number | undefined): void {
  if (maxMembers !== undefined && members > maxMembers) {
    throw new AppError('conflict', `A group can have at most ${maxMembers.toLocaleString('en-US')} members`);
  }
}

/**
 * Adds users to a group, with a `members_added` system message. New members start with
 * everything before they joined marked read. Returns the ids actually added (existing members
 * are skipped; nothing is written when nobody is new).
 */
export async function addMembers(
  db: Db,
  input: { conversationId: string; actorId: string; userIds: readonly string[]; maxMembers?: number },
): Promise<{ added: string[] } & ConversationChange> {
  await assertUsersExist(db, input.userIds);
  return inTransaction(db, async (query) => {
    const conversation = await lockForActor(query, input.conversationId, input.actorId);
    if (conversation.kind !== 'group') throw new AppError('invalid_input', 'Direct conversations have exactly two members');
    allow(groupPermissions.addMembers(conversation.role));
    const rows = await query<{ user_id: string }>(
      `INSERT INTO members (conversation_id, user_id, last_read_seq)
       SELECT $1, u, $3 FROM unnest($2::uuid[]) AS u
       ON CONFLICT DO NOTHING RETURNING user_id::text AS user_id`,
      [input.conversationId, [...new Set(input.userIds)], conversation.last_seq],
    );
    const order = [...new Set(input.userIds)];
    const added = rows.map((r) => r.user_id).sort((a, b) => order.indexOf(a) - order.indexOf(b));
    if (added.length === 0) return { added, events: [], memberIds: await membersOf(query, input.conversationId) };
    // Counted after the insert, under the conversation's lock: a refusal rolls it back.
    const [count] = await query<{ n: number }>('SELECT count(*)::int AS n FROM members WHERE conversation_id = $1', [input.conversationId]);
    assertRoomFor(count?.n ?? 0, input.maxMembers);
    const users = await query<{ id: string; displayName: string }>(
      'SELECT id::text AS id, display_name AS "displayName" FROM users WHERE id = ANY($1::uuid[])',
      [added],
    );
    const byId = new Map(users.map((u) => [u.id, u]));
    const event = await appendSystemMessage(query, {
      conversationId: input.conversationId,
      actorId: input.actorId,
      system: { action: 'members_added', users: added.flatMap((id) => byId.get(id) ?? []) },
    });
    // The newcomers' starting point includes the message announcing them.
    await query('UPDATE members SET last_read_seq = $3 WHERE conversation_id = $1 AND user_id = ANY($2::uuid[])', [
      input.conversationId,
      added,
      event.seq,
    ]);
    return { added, events: [event], memberIds: await membersOf(query, input.conversationId) };
  });
}

/**
 * Owners and admins remove members of a group (admins cannot remove owners); anyone leaves (their
 * own id), except the last owner of a group that has other members.
 */
export async function removeMember(
  db: Db,
  input: { conversationId: string; actorId: string; userId: string },
): Promise<ConversationChange> {
  return inTransaction(db, async (query) => {
    const conversation = await lockForActor(query, input.conversationId, input.actorId);
    if (conversation.kind !== 'group') throw new AppError('invalid_input', 'Cannot leave a direct conversation');
    if (input.userId === input.actorId) {
      const [counts] = await query<{ owners: number; members: number }>(
        `SELECT count(*) FILTER (WHERE role = 'owner')::int AS owners, count(*)::int AS members FROM members WHERE conversation_id = $1`,
        [input.conversationId],
      );
      const leave = groupPermissions.leave(conversation.role, counts?.owners ?? 0, counts?.members ?? 0);
      if (!leave.ok) throw new AppError('conflict', leave.reason);
    } else {
      const target = await roleOf(query, input.conversationId, input.userId);
      if (target === undefined) throw new AppError('not_found', 'Not a member of this conversation');
      allow(groupPermissions.remove(conversation.role, target));
    }
    const [removed] = isUuid(input.userId)
      ? await query<{ id: string; displayName: string }>(
          `WITH gone AS (DELETE FROM members WHERE conversation_id = $1 AND user_id = $2 RETURNING user_id)
           SELECT u.id::text AS id, u.display_name AS "displayName" FROM gone JOIN users u ON u.id = gone.user_id`,
          [input.conversationId, input.userId],
        )
      : [];
    if (!removed) throw new AppError('not_found', 'Not a member of this conversation');
    const event = await appendSystemMessage(query, {
      conversationId: input.conversationId,
      actorId: input.actorId,
      system: input.userId === input.actorId ? { action: 'member_left' } : { action: 'member_removed', user: removed },
    });
    return { events: [event], memberIds: await membersOf(query, input.conversationId) };
  });
}

/** Renames a group, with a `renamed` system message; the same title again writes nothing. */
export async function renameConversation(
  db: Db,
  input: { conversationId: string; actorId: string; title: string },
): Promise<ConversationChange> {
  return inTransaction(db, async (query) => {
    const conversation = await lockForActor(query, input.conversationId, input.actorId);
    if (conversation.kind !== 'group') throw new AppError('invalid_input', 'Only groups have a title');
    allow(groupPermissions.rename(conversation.role));
    if (conversation.title === input.title) return { events: [], memberIds: await membersOf(query, input.conversationId) };
    await query('UPDATE conversations SET title = $2 WHERE id = $1', [input.conversationId, input.title]);
    const event = await appendSystemMessage(query, {
      conversationId: input.conversationId,
      actorId: input.actorId,
      system: { action: 'renamed', title: input.title },
    });
    return { events: [event], memberIds: await membersOf(query, input.conversationId) };
  });
}

/**
 * Sets who in a group sees the history from before they joined, with a
 * `history_visibility_changed` system message (nothing when it is unchanged). Owners only.
 */
export async function setHistoryVisibility(
  db: Db,
  input: { conversationId: string; actorId: string; visibility: HistoryVisibility },
): Promise<ConversationChange> {
  return inTransaction(db, async (query) => {
    const conversation = await lockForActor(query, input.conversationId, input.actorId);
    if (conversation.kind !== 'group') throw new AppError('invalid_input', 'Direct conversations always show their whole history');
    allow(groupPermissions.setHistoryVisibility(conversation.role));
    if (conversation.history_visibility === input.visibility) return { events: [], memberIds: await membersOf(query, input.conversationId) };
    await query('UPDATE conversations SET history_visibility = $2::"HistoryVisibility" WHERE id = $1', [input.conversationId, input.visibility]);
    const event = await appendSystemMessage(query, {
      conversationId: input.conversationId,
      actorId: input.actorId,
      system: { action: 'history_visibility_changed', visibility: input.visibility },
    });
    return { events: [event], memberIds: await membersOf(query, input.conversationId) };
  });
}

/**
 * Sets a member's role in a group, with a `role_changed` system message (nothing when the role
 * is unchanged). Owners may set any role, admins may make members admins and back; a group with
 * members always keeps an owner.
 */
export async function setMemberRole(
  db: Db,
  input: { conversationId: string; actorId: string; userId: string; role: MemberRole },
): Promise<ConversationChange> {
  return inTransaction(db, async (query) => {
    const conversation = await lockForActor(query, input.conversationId, input.actorId);
    if (conversation.kind !== 'group') throw new AppError('invalid_input', 'Direct conversations have no roles');
    const target = await roleOf(query, input.conversationId, input.userId);
    if (target === undefined) throw new AppError('not_found', 'Not a member of this conversation');
    allow(groupPermissions.setRole(conversation.role, target, input.role));
    if (target === input.role) return { events: [], memberIds: await membersOf(query, input.conversationId) };
    if (target === 'owner') {
      const [owners] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM members WHERE conversation_id = $1 AND role = 'owner'`, [
        input.conversationId,
      ]);
      if ((owners?.n ?? 0) <= 1) throw new AppError('conflict', 'A group needs an owner: make someone else an owner first');
    }
    const [user] = await query<{ id: string; displayName: string }>(
      `WITH changed AS (UPDATE members SET role = $3::"MemberRole" WHERE conversation_id = $1 AND user_id = $2 RETURNING user_id)
       SELECT u.id::text AS id, u.display_name AS "displayName" FROM changed JOIN users u ON u.id = changed.user_id`,
      [input.conversationId, input.userId, input.role],
    );
    if (!user) throw new AppError('not_found', 'Not a member of this conversation');
    const event = await appendSystemMessage(query, {
      conversationId: input.conversationId,
      actorId: input.actorId,
      system: { action: 'role_changed', user, role: input.role },
    });
    return { events: [event], memberIds: await membersOf(query, input.conversationId) };
  });
}

export async function isMember(db: Db, conversationId: string, userId: string): Promise<boolean> {
  if (!isUuid(conversationId) || !isUuid(userId)) return false;
  const row = await db.prisma.member.findUnique({
    where: { conversationId_userId: { conversationId, userId } },
    select: { userId: true },
  });
  return row !== null;
}

export async function memberIds(db: Db, conversationId: string): Promise<string[]> {
  if (!isUuid(conversationId)) return [];
  const rows = await db.prisma.member.findMany({ where: { conversationId }, select: { userId: true } });
  return rows.map((r) => r.userId);
}

export async function conversationIdsOfUser(db: Db, userId: string): Promise<string[]> {
  if (!isUuid(userId)) return [];
  const { rows } = await db.pool.query<{ id: string }>('SELECT conversation_id::text AS id FROM members WHERE user_id = $1', [userId]);
  return rows.map((r) => r.id);
}

/** (user_id, contact_id): everyone who shares a conversation with each user matching `usersExpr`. */
const contactPairsSql = (usersExpr: string) => `SELECT DISTINCT mine.user_id, other.user_id AS contact_id
   FROM members mine
   JOIN members other ON other.conversation_id = mine.conversation_id AND other.user_id <> mine.user_id
  WHERE mine.user_id = ${usersExpr}`;

/** The contacts (as `user_id`) of user $1. */
const CONTACTS_SQL = `SELECT contact_id AS user_id FROM (${contactPairsSql('$1')}) pairs`;

/** Everyone who shares at least one conversation with `userId` (not the user): presence audience. */
export async function contactIdsOf(db: Db, userId: string): Promise<string[]> {
  return (await contactsOfMany(db, [userId])).get(userId) ?? [];
}

/**
 * contactIdsOf for many users in one round trip (a burst of presence changes): userId -> its
 * contacts. Users with none are missing from the map.
 */
export async function contactsOfMany(db: Db, userIds: readonly string[]): Promise<Map<string, string[]>> {
  const ids = [...new Set(userIds.filter(isUuid))];
  const contacts = new Map<string, string[]>();
  if (ids.length === 0) return contacts;
  const { rows } = await db.pool.query<{ user_id: string; contact_id: string }>(
    `SELECT user_id::text AS user_id, contact_id::text AS contact_id FROM (${contactPairsSql('ANY($1::uuid[])')}) pairs`,
    [ids],
  );
  for (const row of rows) {
    const list = contacts.get(row.user_id);
    if (list) list.push(row.contact_id);
    else contacts.set(row.user_id, [row.contact_id]);
  }
  return contacts;
}

/** What a new socket re-reads once attached (see the gateway's hello), in one round trip. */
export interface SocketRecheck {
  /** The user's conversations now. */
  conversationIds: string[];
  /** The session is still neither revoked nor expired. */
  sessionActive: boolean;
  /** The user's contacts, with their stored lastSeenAt (ISO) when they have one. */
  contacts: Array<{ userId: string; lastSeenAt: string | null }>;
  /** A call rings or runs in one of the user's conversations: only then are the calls read. */
  liveCall: boolean;
}

/**
 * `withContacts: false` (a socket that watches presence, PROTOCOL.md §5.16) skips the contacts:
 * in a 1,000-member room they are most of the query and of the snapshot built from them.
 */
export async function recheckSocket(db: Db, userId: string, sessionId: string, options: { withContacts?: boolean } = {}): Promise<SocketRecheck> {
  if (!isUuid(userId) || !isUuid(sessionId)) return { conversationIds: [], sessionActive: false, contacts: [], liveCall: false };
  const contactsSql =
    options.withContacts === false
      ? `'[]'::json`
      : `coalesce((SELECT json_agg(json_build_object('userId', c.user_id, 'lastSeenAt', u.last_seen_at))
                        FROM (${CONTACTS_SQL}) c JOIN users u ON u.id = c.user_id), '[]'::json)`;
  const { rows } = await db.pool.query<{ conversation_ids: string[]; session_active: boolean; contacts: SocketRecheck['contacts']; live_call: boolean }>(
    `SELECT ARRAY(SELECT conversation_id::text FROM members WHERE user_id = $1) AS conversation_ids,
            EXISTS (SELECT 1 FROM sessions WHERE id = $2 AND revoked_at IS NULL AND expires_at > now()) AS session_active,
            ${contactsSql} AS contacts,
            ${LIVE_CALL_EXISTS_SQL} AS live_call`,
    [userId, sessionId],
  );
  const row = rows[0];
  return {
    conversationIds: row?.conversation_ids ?? [],
    sessionActive: row?.session_active ?? false,
    contacts: normaliseLastSeen(row?.contacts ?? []),
    liveCall: row?.live_call ?? false,
  };
}

/**
 * Those of `candidates` who share a conversation with `userId`, with their stored lastSeenAt:
 * a presence watch's snapshot (PROTOCOL.md §5.16). Anyone else is left out, unknown ids too.
 */
export async function contactsAmong(db: Db, userId: string, candidates: readonly string[]): Promise<SocketRecheck['contacts']> {
  const ids = [...new Set(candidates.filter(isUuid))];
  if (!isUuid(userId) || ids.length === 0) return [];
  const { rows } = await db.pool.query<{ userId: string; lastSeenAt: Date | null }>(
    `SELECT u.id::text AS "userId", u.last_seen_at AS "lastSeenAt"
       FROM users u
      WHERE u.id = ANY($2::uuid[]) AND u.id <> $1
        AND EXISTS (SELECT 1 FROM members mine JOIN members other ON other.conversation_id = mine.conversation_id
                     WHERE mine.user_id = $1 AND other.user_id = u.id)`,
    [userId, ids],
  );
  return rows.map((r) => ({ userId: r.userId, lastSeenAt: r.lastSeenAt === null ? null : r.lastSeenAt.toISOString() }));
}

/** json_build_object renders timestamptz in Postgres' ISO form; normalise it to JavaScript's. */
function normaliseLastSeen(contacts: SocketRecheck['contacts']): SocketRecheck['contacts'] {
  return contacts.map((c) => ({ userId: c.userId, lastSeenAt: c.lastSeenAt === null ? null : new Date(c.lastSeenAt).toISOString() }));
}
