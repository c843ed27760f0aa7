import type { Db } from '../client/create-db.ts';
import { inTransaction } from '../client/transaction.ts';
import { isUuid } from './db-errors.ts';
import { messageColumns, messageFromRow, type MessageRow } from './mappers.ts';
import { messageFromFor, visibleMessage } from './visibility.ts';
import type { MessagePage } from './event-reads.ts';

/** A history page that need not end at the newest message: `hasNewer` says whether it does. */
export interface MessageWindow extends MessagePage {
  /** Newer messages exist after the last one of this page. */
  hasNewer: boolean;
}

export type WindowInput =
  /** The oldest `limit` messages with seq > afterSeq: paging forwards from a window's end. */
  | { conversationId: string; viewerId: string; afterSeq: number; limit: number }
  /**
   * About half of `limit` before `aroundSeq` and the rest from it on (the message at that seq
   * included when it exists): opening a conversation at a search hit or a quoted message.
   */
  | { conversationId: string; viewerId: string; aroundSeq: number; limit: number };

/**
 * Messages `viewerId` may see (history_visibility), in their current state, ascending, on one
 * snapshot with the log head (`throughSeq`), like historyPage. `hasMore` keeps its meaning (older messages exist), and
 * `hasNewer` says whether the page reaches the newest message; when it does not, a reader
 * pages on with `afterSeq` before it relies on live events for what follows.
 */
export async function historyWindow(db: Db, input: WindowInput): Promise<MessageWindow> {
  if (!isUuid(input.conversationId)) return { messages: [], hasMore: false, hasNewer: false, throughSeq: 0 };
  return inTransaction(
    db,
    async (query) => {
      const [head] = await query<{ last_seq: string }>('SELECT last_seq FROM conversations WHERE id = $1', [input.conversationId]);
      const select = `SELECT ${messageColumns('m', 'p')} FROM ${messageFromFor('$4')} WHERE m.conversation_id = $1 AND ${visibleMessage('m', '$4')}`;
      const older = (beforeSeq: number, limit: number) =>
        query<MessageRow>(`${select} AND m.seq < $2 ORDER BY m.seq DESC LIMIT $3`, [input.conversationId, beforeSeq, limit, input.viewerId]);
      const newer = (fromSeq: number, limit: number) =>
        query<MessageRow>(`${select} AND m.seq >= $2 ORDER BY m.seq LIMIT $3`, [input.conversationId, fromSeq, limit, input.viewerId]);

      let before: MessageRow[] = [];
      let from: MessageRow[];
      let hasMore: boolean;
      if ('afterSeq' in input) {
        from = await newer(input.afterSeq + 1, input.limit + 1);
        hasMore = input.afterSeq > 0 && (await older(input.afterSeq + 1, 1)).length > 0;
      } else {
        const olderWanted = Math.floor(input.limit / 2);
        before = await older(input.aroundSeq, olderWanted + 1);
        hasMore = before.length > olderWanted;
        before = before.slice(0, olderWanted).reverse();
        from = await newer(input.aroundSeq, input.limit - before.length + 1);
      }
      const newerWanted = input.limit - before.length;
      const hasNewer = from.length > newerWanted;
      const messages = [...before, ...from.slice(0, newerWanted)].map(messageFromRow);
      return { messages, hasMore, hasNewer, throughSeq: Number(head?.last_seq ?? 0) };
    },
    { snapshot: true },
  );
}
