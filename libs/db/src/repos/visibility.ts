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
