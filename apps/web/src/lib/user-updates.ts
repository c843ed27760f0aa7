import type { PublicUser } from '@parley/protocol';
import type { ConversationSummary } from './api-types.ts';

/** A conversation as it reads once `user`'s profile changed (members, last message's sender). */
export function withUserUpdated(summary: ConversationSummary, user: PublicUser): ConversationSummary {
  const member = summary.members.find((m) => m.id === user.id);
  const sender = summary.lastMessage?.senderId === user.id;
  if (member === undefined && !sender) return summary;
  return {
    ...summary,
    members: summary.members.map((m) => (m.id === user.id ? { ...m, handle: user.handle, displayName: user.displayName } : m)),
    lastMessage: sender && summary.lastMessage ? { ...summary.lastMessage, senderDisplayName: user.displayName } : summary.lastMessage,
  };
}

/** The list with `user` renamed wherever it appears; the same array when nothing changed. */
export function listWithUserUpdated(list: ConversationSummary[], user: PublicUser): ConversationSummary[] {
  let changed = false;
  const next = list.map((summary) => {
    const updated = withUserUpdated(summary, user);
    if (updated !== summary) changed = true;
    return updated;
  });
  return changed ? next : list;
}
