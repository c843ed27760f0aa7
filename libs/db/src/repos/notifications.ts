import { AppError, defaultNotifyLevel, type NotifyLevel } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { isUuid } from './db-errors.ts';

/** A member's stored level (null: never chosen) resolved against the conversation's kind. */
export function effectiveNotifyLevel(stored: NotifyLevel | null, kind: 'direct' | 'group'): NotifyLevel {
  return stored ?? defaultNotifyLevel(kind);
}

/**
 * Sets what alerts `userId` in one conversation. Only the member's own row changes, so there is
 * no log event: it is nobody else's business. Unknown conversations give not_member (no probing).
 */
export async function setNotifyLevel(db: Db, input: { conversationId: string; userId: string; level: NotifyLevel }): Promise<void> {
  if (!isUuid(input.conversationId)) throw new AppError('not_member');
  const { rowCount } = await db.pool.query('UPDATE members SET notify = $3::"NotifyLevel" WHERE conversation_id = $1 AND user_id = $2', [
    input.conversationId,
    input.userId,
    input.level,
  ]);
  if (rowCount === 0) throw new AppError('not_member');
}

/** Do-not-disturb until `until` (null: off). Returns the stored value as ISO 8601. */
export async function setDoNotDisturb(db: Db, userId: string, until: Date | null): Promise<string | null> {
  const user = await db.prisma.user.update({ where: { id: userId }, data: { dndUntil: until }, select: { dndUntil: true } });
  return user.dndUntil?.toISOString() ?? null;
}

/** Account-wide notification settings; a do-not-disturb that has ended reads as off. */
export async function notificationSettingsOf(db: Db, userId: string, now = new Date()): Promise<{ dndUntil: string | null }> {
  const user = await db.prisma.user.findUnique({ where: { id: userId }, select: { dndUntil: true } });
  const until = user?.dndUntil ?? null;
  return { dndUntil: until !== null && until > now ? until.toISOString() : null };
}
