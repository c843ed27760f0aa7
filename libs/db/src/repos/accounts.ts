import { AppError, type MessageCreatedEvent, type PublicUser } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { inTransaction, type Query } from '../client/transaction.ts';
import { isUuid } from './db-errors.ts';
import { revokeOthersWith } from './sessions.ts';
import { appendSystemMessage } from './system-messages.ts';

/** What a deleted account is shown as, wherever its row is still named. */
export const DELETED_USER_NAME = 'Deleted user';
/** Handles of deleted accounts start with this; sign-up refuses it, so no one can look like one. */
export const DELETED_HANDLE_PREFIX = 'deleted_';

/** Changes a live user's display name; returns the user as it now is. */
export async function updateDisplayName(db: Db, userId: string, displayName: string): Promise<PublicUser> {
  const { rows } = await db.pool.query<PublicUser>(
    `UPDATE users SET display_name = $2 WHERE id = $1 AND deleted_at IS NULL
     RETURNING id::text AS id, handle, display_name AS "displayName"`,
    [userId, displayName],
  );
  const user = rows[0];
  if (!user) throw new AppError('not_found', 'User not found');
  return user;
}

/** The stored hash of a live user, for checking the current password before a change. */
export async function passwordHashOf(db: Db, userId: string): Promise<string | null> {
  if (!isUuid(userId)) return null;
  const { rows } = await db.pool.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1 AND deleted_at IS NULL', [userId]);
  return rows[0]?.password_hash ?? null;
}

/**
 * Sets a new password hash and, in the same transaction, revokes every other live session of
 * the user; returns the ids revoked. `expectedHash` is the hash the current password was
 * checked against: if it changed meanwhile (another device changed the password), nothing is
 * written and the caller gets `conflict`.
 */
export async function changePasswordHash(
  db: Db,
  input: { userId: string; expectedHash: string; newHash: string; keepSessionId: string },
): Promise<string[]> {
  return inTransaction(db, async (query) => {
    const updated = await query<{ id: string }>(
      'UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2 AND deleted_at IS NULL RETURNING id::text AS id',
      [input.userId, input.expectedHash, input.newHash],
    );
    if (updated.length === 0) throw new AppError('conflict', 'Your password was changed meanwhile: try again');
    return revokeOthersWith(query, input.userId, input.keepSessionId);
  });
}

/** One group the deleted user left, and what it appended to the group's log. */
export interface GroupLeft {
  conversationId: string;
  /** member_left (preceded by role_changed when ownership had to pass to someone). */
  events: MessageCreatedEvent[];
  /** The members after the deletion. */
  memberIds: string[];
}

export interface AccountDeletion {
  /** The tombstone the row became. */
  user: PublicUser;
  groupsLeft: GroupLeft[];
  /** Groups in which the user was the only member: deleted with their history. */
  groupsDeleted: string[];
  /** Sessions that were live until now (their sockets must close). */
  sessionIds: string[];
  /** Everyone who shared a conversation with the user before the deletion. */
  contactIds: string[];
}

/**
 * Deletes an account, in one transaction (see PROTOCOL.md, "Deleting an account"):
 * - leaves every group through the same log events as a person leaving (`member_left`), so
 *   every other member's log stays gapless; the last owner of a group first hands ownership to
 *   the longest-standing admin, else member (`role_changed`); a group left empty is deleted;
 * - stays in its direct conversations, whose history the other person keeps;
 * - deletes every session (the access log closes their sockets on every node);
 * - keeps the row as a tombstone: display name "Deleted user", handle `deleted_<id>`, no
 *   password, `deleted_at` set. Messages keep their bodies and their sender.
 * Groups are locked in id order, the order any other multi-conversation writer would meet them.
 */
export async function deleteAccount(db: Db, userId: string): Promise<AccountDeletion> {
  if (!isUuid(userId)) throw new AppError('not_found', 'User not found');
  return inTransaction(db, async (query) => {
    const [live] = await query<{ id: string }>('SELECT id FROM users WHERE id = $1 AND deleted_at IS NULL FOR UPDATE', [userId]);
    if (!live) throw new AppError('not_found', 'User not found');
    const contacts = await query<{ user_id: string }>(
      `SELECT DISTINCT other.user_id::text AS user_id FROM members mine
         JOIN members other ON other.conversation_id = mine.conversation_id
        WHERE mine.user_id = $1 AND other.user_id <> $1`,
      [userId],
    );
    const groups = await query<{ id: string }>(
      `SELECT c.id::text AS id FROM members m JOIN conversations c ON c.id = m.conversation_id
        WHERE m.user_id = $1 AND c.kind = 'group' ORDER BY c.id`,
      [userId],
    );
    const groupsLeft: GroupLeft[] = [];
    const groupsDeleted: string[] = [];
    for (const { id } of groups) {
      const left = await leaveGroup(query, id, userId);
      if (left === null) groupsDeleted.push(id);
      else groupsLeft.push(left);
    }
    const sessions = await query<{ id: string; live: boolean }>(
      'DELETE FROM sessions WHERE user_id = $1 RETURNING id::text AS id, (revoked_at IS NULL AND expires_at > now()) AS live',
      [userId],
    );
    const [user] = await query<PublicUser>(
      `UPDATE users SET handle = $2 || left(replace(id::text, '-', ''), 24), display_name = $3, password_hash = '',
              last_seen_at = NULL, deleted_at = now()
        WHERE id = $1 RETURNING id::text AS id, handle, display_name AS "displayName"`,
      [userId, DELETED_HANDLE_PREFIX, DELETED_USER_NAME],
    );
    if (!user) throw new Error('deleted user row vanished inside its own transaction');
    return {
      user,
      groupsLeft,
      groupsDeleted,
      sessionIds: sessions.filter((s) => s.live).map((s) => s.id),
      contactIds: contacts.map((c) => c.user_id),
    };
  });
}

/** Leaves one group as `userId` would; null when the group had no one else and was deleted. */
async function leaveGroup(query: Query, conversationId: string, userId: string): Promise<GroupLeft | null> {
  await query('SELECT id FROM conversations WHERE id = $1 FOR UPDATE', [conversationId]);
  const members = await query<{ user_id: string; role: string; display_name: string }>(
    `SELECT m.user_id::text AS user_id, m.role::text AS role, u.display_name FROM members m JOIN users u ON u.id = m.user_id
      WHERE m.conversation_id = $1 ORDER BY m.joined_at, m.user_id`,
    [conversationId],
  );
  const others = members.filter((m) => m.user_id !== userId);
  if (others.length === 0) {
    // Nobody can see it any more: its history goes with it (cascade).
    await query('DELETE FROM conversations WHERE id = $1', [conversationId]);
    return null;
  }
  const events: MessageCreatedEvent[] = [];
  const mine = members.find((m) => m.user_id === userId);
  // `others` is not empty here: the longest-standing admin, else member, inherits the group.
  const heir = others.find((m) => m.role === 'admin') ?? others[0];
  if (heir && mine?.role === 'owner' && !others.some((m) => m.role === 'owner')) {
    await query(`UPDATE members SET role = 'owner' WHERE conversation_id = $1 AND user_id = $2`, [conversationId, heir.user_id]);
    events.push(
      await appendSystemMessage(query, {
        conversationId,
        actorId: userId,
        system: { action: 'role_changed', user: { id: heir.user_id, displayName: heir.display_name }, role: 'owner' },
      }),
    );
  }
  await query('DELETE FROM members WHERE conversation_id = $1 AND user_id = $2', [conversationId, userId]);
  events.push(await appendSystemMessage(query, { conversationId, actorId: userId, system: { action: 'member_left' } }));
  return { conversationId, events, memberIds: others.map((m) => m.user_id) };
}
