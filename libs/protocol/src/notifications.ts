import { z } from 'zod';

/**
 * What alerts a member of a conversation (a sound and a desktop notification; later Web Push):
 * `all` every new message from someone else, `mentions` only those that @mention them, `none`
 * nothing (muted). Unread counts never depend on it.
 */
export const NotifyLevelSchema = z.enum(['all', 'mentions', 'none']);
export type NotifyLevel = z.infer<typeof NotifyLevelSchema>;

/** The level of a member who never chose one: a direct message is for you, a group's chatter is not. */
export function defaultNotifyLevel(kind: 'direct' | 'group'): NotifyLevel {
  return kind === 'direct' ? 'all' : 'mentions';
}

/** The longest do-not-disturb one call may set: a forgotten "until" must still end. */
export const MAX_DND_MS = 7 * 24 * 3_600_000;
