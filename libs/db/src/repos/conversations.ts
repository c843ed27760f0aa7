import { AppError } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { isUniqueViolation, isUuid } from './db-errors.ts';

/** One direct conversation per pair: the two ids sorted and joined. */
export function directKeyOf(a: string, b: string): string {
  return [a, b].sort().join(':');
}

async function assertUsersExist(db: Db, ids: readonly string[]): Promise<void> {
  const unique = [...new Set(ids)];
  if (!unique.every(isUuid)) throw new AppError('not_found', 'User not found');
  const count = await db.prisma.user.count({ where: { id: { in: unique } } });
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
  input: { creatorId: string; title: string | null; memberIds: readonly string[] },
): Promise<{ conversationId: string }> {
  const memberIds = [...new Set([input.creatorId, ...input.memberIds])];
  await assertUsersExist(db, memberIds);
  const created = await db.prisma.conversation.create({
    data: {
      kind: 'group',
      title: input.title,
      createdById: input.creatorId,
      members: { create: memberIds.map((userId) => ({ userId })) },
    },
    select: { id: true },
  });
  return { conversationId: created.id };
}

async function conversationForActor(db: Db, conversationId: string, actorId: string) {
  if (!isUuid(conversationId) || !(await isMember(db, conversationId, actorId))) throw new AppError('not_member');
  return db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } });
}

/**
 * Adds users to a group. New members start with everything before they joined marked read.
 * Returns the ids actually added (existing members are skipped).
 */
export async function addMembers(
  db: Db,
  input: { conversationId: string; actorId: string; userIds: readonly string[] },
): Promise<{ added: string[] }> {
  const conversation = await conversationForActor(db, input.conversationId, input.actorId);
  if (conversation.kind !== 'group') throw new AppError('invalid_input', 'Direct conversations have exactly two members');
  await assertUsersExist(db, input.userIds);
  const existing = new Set(await memberIds(db, input.conversationId));
  const added = [...new Set(input.userIds)].filter((id) => !existing.has(id));
  await db.prisma.member.createMany({
    data: added.map((userId) => ({ conversationId: input.conversationId, userId, lastReadSeq: conversation.lastSeq })),
    skipDuplicates: true,
  });
  return { added };
}

/** A member may remove another member of a group, or leave a group themselves. */
export async function removeMember(
  db: Db,
  input: { conversationId: string; actorId: string; userId: string },
): Promise<void> {
  const conversation = await conversationForActor(db, input.conversationId, input.actorId);
  if (conversation.kind !== 'group') throw new AppError('invalid_input', 'Cannot leave a direct conversation');
  const { count } = await db.prisma.member.deleteMany({
    where: { conversationId: input.conversationId, userId: input.userId },
  });
  if (count === 0) throw new AppError('not_found', 'Not a member of this conversation');
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
  const rows = await db.prisma.member.findMany({ where: { userId }, select: { conversationId: true } });
  return rows.map((r) => r.conversationId);
}

/** Everyone who shares at least one conversation with `userId` (not the user): presence audience. */
export async function contactIdsOf(db: Db, userId: string): Promise<string[]> {
  if (!isUuid(userId)) return [];
  const rows = await db.prisma.$queryRaw<Array<{ user_id: string }>>`
    SELECT DISTINCT other.user_id::text AS user_id
      FROM members mine
      JOIN members other ON other.conversation_id = mine.conversation_id
     WHERE mine.user_id = ${userId}::uuid AND other.user_id <> ${userId}::uuid`;
  return rows.map((r) => r.user_id);
}
