import type { Query } from '../client/transaction.ts';
import { visibleSeq } from '../repos/visibility.ts';

/**
 * Who gets a live event whose target (the message edited, reacted to, or replied to) not every
 * member may see (history_visibility `since_joined`): the fan-out sends the event to `sees`,
 * and to `blind` a copy without what they may not see, or nothing.
 */
export interface Audience {
  sees: string[];
  blind: string[];
}

/**
 * The audience of an event about seq `targetSeq`, read in the committing transaction; undefined
 * when every member may see it (always, for a conversation whose policy is `all`: one primary
 * key lookup decides that).
 */
export async function restrictedAudience(query: Query, conversationId: string, targetSeq: number): Promise<Audience | undefined> {
  const [conversation] = await query<{ policy: string }>('SELECT history_visibility::text AS policy FROM conversations WHERE id = $1', [
    conversationId,
  ]);
  if (conversation?.policy !== 'since_joined') return undefined;
  const members = await query<{ user_id: string; sees: boolean }>(
    `SELECT m.user_id::text AS user_id, ${visibleSeq('m.conversation_id', 'm.user_id', '$2::bigint')} AS sees
       FROM members m WHERE m.conversation_id = $1`,
    [conversationId, targetSeq],
  );
  const blind = members.filter((m) => !m.sees).map((m) => m.user_id);
  if (blind.length === 0) return undefined;
  return { sees: members.filter((m) => m.sees).map((m) => m.user_id), blind };
}
