import { AppError, defaultNotifyLevel, type NotificationSettings, type NotifyLevel, type PushContent } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { isUuid } from './db-errors.ts';

/**
 * A member's stored level (null: never chosen) resolved against the conversation's kind. The
 * one rule, in two forms: this one for rows already read, `effectiveNotifyLevelSql` for
 * queries that decide in Postgres (push recipients); both take the defaults from
 * `defaultNotifyLevel`.
 */
export function effectiveNotifyLevel(stored: NotifyLevel | null, kind: 'direct' | 'group'): NotifyLevel {
  return stored ?? defaultNotifyLevel(kind);
}

/**
 * `effectiveNotifyLevel` as a SQL expression (text) over a `members.notify` column and a
 * `conversations.kind` column. The defaults are literals built from `defaultNotifyLevel`
 * (enum values, never user input), so the two forms cannot drift apart.
 */
export function effectiveNotifyLevelSql(notifyColumn: string, kindColumn: string): string {
  return `COALESCE(${notifyColumn}::text, CASE ${kindColumn}::text WHEN 'direct' THEN '${defaultNotifyLevel('direct')}' ELSE '${defaultNotifyLevel('group')}' END)`;
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

const SETTINGS = { dndUntil: true, pushContent: true } as const;

/** A stored row as the wire shows it; a do-not-disturb that has ended reads as off. */
function toSettings(row: { dndUntil: Date | null; pushContent: PushContent } | null, now: Date): NotificationSettings {
  const until = row?.dndUntil ?? null;
  return { dndUntil: until !== null && until > now ? until.toISOString() : null, pushContent: row?.pushContent ?? 'sender' };
}

/** Do-not-disturb until `until` (null: off). Returns all the settings as stored. */
export async function setDoNotDisturb(db: Db, userId: string, until: Date | null): Promise<NotificationSettings> {
  const user = await db.prisma.user.update({ where: { id: userId }, data: { dndUntil: until }, select: SETTINGS });
  return toSettings(user, new Date());
}

/** What a Web Push may show for this user. Returns all the settings as stored. */
export async function setPushContent(db: Db, userId: string, pushContent: PushContent): Promise<NotificationSettings> {
  const user = await db.prisma.user.update({ where: { id: userId }, data: { pushContent }, select: SETTINGS });
  return toSettings(user, new Date());
}

/** Account-wide notification settings. */
export async function notificationSettingsOf(db: Db, userId: string, now = new Date()): Promise<NotificationSettings> {
  return toSettings(await db.prisma.user.findUnique({ where: { id: userId }, select: SETTINGS }), now);
}
