import { AppError } from '@parley/protocol';
import type { Message, PublicUser } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { isUuid } from './db-errors.ts';
import { toMessage, toPublicUser } from './mappers.ts';

export type ConversationKind = 'direct' | 'group';

export interface ConversationSummary {
  id: string;
  kind: ConversationKind;
  title: string | null;
  members: PublicUser[];
  lastSeq: number;
  lastReadSeq: number;
  /** Every member's read position (userId -> lastReadSeq): read receipts survive a reload. */
  readStates: Record<string, number>;
  /** lastSeq - lastReadSeq: own messages advance lastReadSeq, so they never count. */
  unreadCount: number;
  lastMessage: (Message & { senderDisplayName: string }) | null;
  /** ISO 8601: lastMessageAt, else createdAt. The list is ordered by it, newest first. */
  lastActivityAt: string;
}

/**
 * Summaries of `userId`'s conversations (all of them, or those in `onlyIds`), in three
 * queries whatever their number: memberships, all members, last messages.
 */
async function summaries(db: Db, userId: string, onlyIds?: readonly string[]): Promise<ConversationSummary[]> {
  const mine = await db.prisma.member.findMany({
    where: { userId, ...(onlyIds ? { conversationId: { in: [...onlyIds] } } : {}) },
    include: { conversation: true },
  });
  if (mine.length === 0) return [];
  const ids = mine.map((m) => m.conversationId);

  const [members, lastMessages] = await Promise.all([
    db.prisma.member.findMany({
      where: { conversationId: { in: ids } },
      include: { user: { select: { id: true, handle: true, displayName: true } } },
      orderBy: { joinedAt: 'asc' },
    }),
    db.prisma.message.findMany({
      where: {
        OR: mine
          .filter((m) => m.conversation.lastSeq > 0n)
          .map((m) => ({ conversationId: m.conversationId, seq: m.conversation.lastSeq })),
      },
      include: { sender: { select: { displayName: true } } },
    }),
  ]);

  const membersByConversation = new Map<string, PublicUser[]>();
  const readStatesByConversation = new Map<string, Record<string, number>>();
  for (const member of members) {
    const list = membersByConversation.get(member.conversationId) ?? [];
    list.push(toPublicUser(member.user));
    membersByConversation.set(member.conversationId, list);
    const reads = readStatesByConversation.get(member.conversationId) ?? {};
    reads[member.userId] = Number(member.lastReadSeq);
    readStatesByConversation.set(member.conversationId, reads);
  }
  const lastByConversation = new Map(lastMessages.map((m) => [m.conversationId, m]));

  return mine
    .map(({ conversation, lastReadSeq }) => {
      const last = lastByConversation.get(conversation.id);
      const lastSeq = Number(conversation.lastSeq);
      const readSeq = Number(lastReadSeq);
      return {
        id: conversation.id,
        kind: conversation.kind,
        title: conversation.title,
        members: membersByConversation.get(conversation.id) ?? [],
        lastSeq,
        lastReadSeq: readSeq,
        readStates: readStatesByConversation.get(conversation.id) ?? {},
        unreadCount: Math.max(0, lastSeq - readSeq),
        lastMessage: last ? { ...toMessage(last), senderDisplayName: last.sender.displayName } : null,
        lastActivityAt: (conversation.lastMessageAt ?? conversation.createdAt).toISOString(),
      } satisfies ConversationSummary;
    })
    .sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt) || a.id.localeCompare(b.id));
}

export function listConversations(db: Db, userId: string): Promise<ConversationSummary[]> {
  return summaries(db, userId);
}

/** Unknown ids also give not_member, so conversation ids cannot be probed. */
export async function getConversation(db: Db, conversationId: string, userId: string): Promise<ConversationSummary> {
  const found = isUuid(conversationId) ? await summaries(db, userId, [conversationId]) : [];
  const summary = found[0];
  if (!summary) throw new AppError('not_member');
  return summary;
}
