import { MAX_DISTINCT_REACTIONS, MAX_REACTIONS_PER_USER, type Message } from '@parley/protocol';

/**
 * Why `emoji` cannot be added to `message` by `meId` right now (the server's limits, so the
 * picker greys it out instead of failing after the click), or null when it can.
 */
export function reactionBlocked(message: Pick<Message, 'reactions'>, emoji: string, meId: string): string | null {
  const existing = message.reactions.find((r) => r.emoji === emoji);
  // Picking one you have takes it back, which is always allowed.
  if (existing?.userIds.includes(meId)) return null;
  if (existing === undefined && message.reactions.length >= MAX_DISTINCT_REACTIONS) return `At most ${MAX_DISTINCT_REACTIONS} different reactions per message`;
  const mine = message.reactions.filter((r) => r.userIds.includes(meId)).length;
  if (mine >= MAX_REACTIONS_PER_USER) return `At most ${MAX_REACTIONS_PER_USER} of your reactions per message`;
  return null;
}
