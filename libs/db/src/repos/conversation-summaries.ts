import { AppError } from '@parley/protocol';
import type { HistoryVisibility, MemberRole, Message, NotifyLevel, PublicUser } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { isUuid } from './db-errors.ts';
import { messageColumns, messageFromRow, toPublicUser, type MessageRow } from './mappers.ts';
import { effectiveNotifyLevel } from './notifications.ts';
import { messageFromFor } from './visibility.ts';

/** Unread counts stop here ("999+" in a UI): counting further costs time and says nothing new. */
export const MAX_UNREAD_COUNT = 999;

export type ConversationKind = 'direct' | 'group';

export type ConversationMember = PublicUser & { role: MemberRole };

export interface ConversationSummary {
  id: string;
  kind: ConversationKind;
  title: string | null;
  /** Groups: whether members see what was said before they joined (`all`) or not (`since_joined`). */
  historyVisibility: HistoryVisibility;
  /** Every member with their role (in a direct conversation both are `member`). */
  members: ConversationMember[];
  lastSeq: number;
  lastReadSeq: number;
  /**
   * What alerts you here (sound, desktop notification): your choice, else the kind's default
   * (direct `all`, group `mentions`). Yours only; other members' levels are never sent.
   */
  notifyLevel: NotifyLevel;
  /** Every member's read position (userId -> lastReadSeq): read receipts survive a reload. */
  readStates: Record<string, number>;
  /**
   * Messages from others (text and call, not deleted) after lastReadSeq, at most
   * MAX_UNREAD_COUNT. Edits, reactions and system messages never count.
   */
  unreadCount: number;
  /** Of those, the ones that mention you (`@handle`): a list can mark the conversation. */
  unreadMentionCount: number;
  lastMessage: (Message & { senderDisplayName: string }) | null;
  /** ISO 8601: lastMessageAt, else createdAt. The list is ordered by it, newest first. */
  lastActivityAt: string;
}

/**
 * Summaries of `userId`'s conversations (all of them, or those in `onlyIds`), in four
 * queries whatever their number: memberships, all members, last messages, unread counts.
 */
async function summaries(db: Db, userId: string, onlyIds?: readonly string[]): Promise<ConversationSummary[]> {
  const mine = await db.prisma.member.findMany({
    where: { userId, ...(onlyIds ? { conversationId: { in: [...onlyIds] } } : {}) },
    include: { conversation: true },
  });
  if (mine.length === 0) return [];
  const ids = mine.map((m) => m.conversationId);

  const [members, lastMessages, unread] = await Promise.all([
    db.prisma.member.findMany({
      where: { conversationId: { in: ids } },
      include: { user: { select: { id: true, handle: true, displayName: true } } },
      orderBy: { joinedAt: 'asc' },
    }),
    db.pool.query<MessageRow & { sender_display_name: string }>(
      `SELECT l.* FROM unnest($1::uuid[]) AS c(id) CROSS JOIN LATERAL (
         SELECT ${messageColumns('m', 'p')}, u.display_name AS sender_display_name
           FROM ${messageFromFor('$2')} JOIN users u ON u.id = m.sender_id
          WHERE m.conversation_id = c.id ORDER BY m.seq DESC LIMIT 1) AS l`,
      [ids, userId],
    ),
    db.pool.query<{ id: string; unread: number; mentions: number }>(
      `SELECT c.id::text AS id, x.unread, x.mentions FROM unnest($1::uuid[], $2::bigint[]) AS c(id, read)
         CROSS JOIN LATERAL (
           SELECT count(*)::int AS unread, count(*) FILTER (WHERE $3 = ANY(u.mentions))::int AS mentions FROM (
             SELECT m.mentions FROM messages m
              WHERE m.conversation_id = c.id AND m.seq > c.read AND m.sender_id <> $3
                AND m.kind IN ('text', 'call') AND m.deleted_at IS NULL
              LIMIT ${MAX_UNREAD_COUNT}) AS u) AS x`,
      [ids, mine.map((m) => m.lastReadSeq.toString()), userId],
    ),
  ]);
  const unreadByConversation = new Map(unread.rows.map((row) => [row.id, row]));

  const membersByConversation = new Map<string, ConversationMember[]>();
  const readStatesByConversation = new Map<string, Record<string, number>>();
  for (const member of members) {
    const list = membersByConversation.get(member.conversationId) ?? [];
    list.push({ ...toPublicUser(member.user), role: member.role });
    membersByConversation.set(member.conversationId, list);
    const reads = readStatesByConversation.get(member.conversationId) ?? {};
    reads[member.userId] = Number(member.lastReadSeq);
    readStatesByConversation.set(member.conversationId, reads);
  }
  const lastByConversation = new Map(lastMessages.rows.map((row) => [row.conversation_id, row]));

  return mine
    .map(({ conversation, lastReadSeq, notify }) => {
      const last = lastByConversation.get(conversation.id);
      const lastSeq = Number(conversation.lastSeq);
      const readSeq = Number(lastReadSeq);
      return {
        id: conversation.id,
        kind: conversation.kind,
        title: conversation.title,
        historyVisibility: conversation.historyVisibility,
        members: membersByConversation.get(conversation.id) ?? [],
        lastSeq,
        lastReadSeq: readSeq,
        notifyLevel: effectiveNotifyLevel(notify, conversation.kind),
        readStates: readStatesByConversation.get(conversation.id) ?? {},
        unreadCount: unreadByConversation.get(conversation.id)?.unread ?? 0,
        unreadMentionCount: unreadByConversation.get(conversation.id)?.mentions ?? 0,
        lastMessage: last ? { ...messageFromRow(last), senderDisplayName: last.sender_display_name } : null,
        lastActivityAt: (conversation.lastMessageAt ?? conversation.createdAt).toISOString(),
      } satisfies ConversationSummary;
    })
    .sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt) || a.id.localeCompare(b.id));
}

/** A page of the list: the `limit` most recently active conversations after `before` (the last item of the previous page). */
export interface ConversationPage {
  limit: number;
  before?: { lastActivityAt: string; id: string } | undefined;
}

/**
 * Every conversation of `userId`, most recent activity first; with `page`, only that many
 * (ties on lastActivityAt broken by id, so a cursor never skips or repeats one). A page costs
 * what its own conversations cost: someone in 1,000 conversations opens the app with a page.
 */
export async function listConversations(db: Db, userId: string, page?: ConversationPage): Promise<ConversationSummary[]> {
  if (page === undefined) return summaries(db, userId);
  const before = page.before;
  const { rows } = await db.pool.query<{ id: string }>(
    `SELECT c.id::text AS id FROM members m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.user_id = $1
        AND ($2::timestamptz IS NULL
             OR COALESCE(c.last_message_at, c.created_at) < $2::timestamptz
             OR (COALESCE(c.last_message_at, c.created_at) = $2::timestamptz AND c.id > $3::uuid))
      ORDER BY COALESCE(c.last_message_at, c.created_at) DESC, c.id ASC
      LIMIT $4`,
    [userId, before?.lastActivityAt ?? null, before?.id ?? null, page.limit],
  );
  if (rows.length === 0) return [];
  return summaries(
    db,
    userId,
    rows.map((r) => r.id),
  );
}

/** Unknown ids also give not_member, so conversation ids cannot be probed. */
export async function getConversation(db: Db, conversationId: string, userId: string): Promise<ConversationSummary> {
  const found = isUuid(conversationId) ? await summaries(db, userId, [conversationId]) : [];
  const summary = found[0];
  if (!summary) throw new AppError('not_member');
  return summary;
}
