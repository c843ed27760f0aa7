/**
 * Who may see which part of a conversation's log: the one place that says it (history, sync,
 * search, the writers' checks and the live fan-out all use these).
 *
 * A conversation's `history_visibility` is `all` (members see the whole log) or `since_joined`
 * (a member sees only the seqs of their own membership periods, `member_periods`, kept by
 * triggers on `members`). Being a member at all is checked separately, first, by every caller.
 */

/**
 * SQL condition: seq `seqExpr` of conversation `conversationExpr` is visible to user `userExpr`.
 * Every argument is an SQL expression (a column or a `$n` parameter). Cheap when the policy is
 * `all` (one primary-key lookup); otherwise one more on member_periods' primary key.
 */
export function visibleSeq(conversationExpr: string, userExpr: string, seqExpr: string): string {
  return `(NOT EXISTS (SELECT 1 FROM conversations vis_c WHERE vis_c.id = ${conversationExpr} AND vis_c.history_visibility = 'since_joined')
     OR EXISTS (SELECT 1 FROM member_periods vis_p
                 WHERE vis_p.conversation_id = ${conversationExpr} AND vis_p.user_id = ${userExpr}
                   AND vis_p.from_seq <= ${seqExpr} AND (vis_p.to_seq IS NULL OR ${seqExpr} <= vis_p.to_seq)))`;
}

/** visibleSeq for a `messages` row aliased `alias`. */
export function visibleMessage(alias: string, userExpr: string): string {
  return visibleSeq(`${alias}.conversation_id`, userExpr, `${alias}.seq`);
}

/**
 * `FROM messages m` with the replied-to message as `p` only when `userExpr` may see it: a
 * reply to a message from before someone joined shows them no excerpt of it (replyTo null).
 * The per-reader counterpart of MESSAGE_FROM (mappers.ts); pair with messageColumns('m', 'p').
 */
export function messageFromFor(userExpr: string): string {
  return `messages m LEFT JOIN messages p ON p.id = m.reply_to_id AND ${visibleMessage('p', userExpr)}`;
}

/**
 * Members of a conversation who cannot see seq `seqExpr` (none when its policy is `all`): the
 * live fan-out sends them a stripped copy, or nothing, instead of what the others get.
 */
export function blindMembersSql(conversationExpr: string, seqExpr: string): string {
  return `SELECT m.user_id::text AS user_id FROM members m
           WHERE m.conversation_id = ${conversationExpr} AND NOT ${visibleSeq('m.conversation_id', 'm.user_id', seqExpr)}`;
}

/**
 * The rule of visibleSeq as a set, for readers that scan many conversations at once (search):
 * rows `(conversation_id, from_seq, to_seq)` covering every seq `userExpr` may see in the
 * conversations they are a member of now (`to_seq` null: open-ended). A conversation whose
 * policy is `all` is one row from seq 1; a `since_joined` one has a row per membership period.
 * Joining it costs a lookup per conversation, where visibleMessage costs two per message: on a
 * million messages, `meeting` for a member of every conversation took 3.3 s with visibleMessage
 * and 0.5 s with this (tools/search-bench).
 */
export function visibleRangesSql(userExpr: string): string {
  return `SELECT vr_m.conversation_id, 1::bigint AS from_seq, NULL::bigint AS to_seq
            FROM members vr_m JOIN conversations vr_c ON vr_c.id = vr_m.conversation_id
           WHERE vr_m.user_id = ${userExpr} AND vr_c.history_visibility <> 'since_joined'
          UNION ALL
          SELECT vr_p.conversation_id, vr_p.from_seq, vr_p.to_seq
            FROM members vr_m JOIN conversations vr_c ON vr_c.id = vr_m.conversation_id
            JOIN member_periods vr_p ON vr_p.conversation_id = vr_m.conversation_id AND vr_p.user_id = vr_m.user_id
           WHERE vr_m.user_id = ${userExpr} AND vr_c.history_visibility = 'since_joined'`;
}
