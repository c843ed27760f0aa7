import { z } from 'zod';

/**
 * What alerts a member of a conversation (a sound and a desktop notification, and Web Push):
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

/**
 * What a Web Push may show, per user: `text` the sender and the message text, `sender` only who
 * wrote ("New message from Ann"). Pushes never contain more than this.
 */
export const PushContentSchema = z.enum(['text', 'sender']);
export type PushContent = z.infer<typeof PushContentSchema>;
/** Until a user chooses: the least, since a lock screen is not private. */
export const DEFAULT_PUSH_CONTENT: PushContent = 'sender';

/** Account-wide notification settings (users.notificationSettings, settings_changed). */
export interface NotificationSettings {
  dndUntil: string | null;
  pushContent: PushContent;
}
