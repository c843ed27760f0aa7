import type { CallMedia, PushContent } from '@parley/protocol';
import type { Db } from '../client/create-db.ts';
import { effectiveNotifyLevelSql } from './notifications.ts';

/**
 * Who gets a Web Push, decided in Postgres in one statement per event (PROTOCOL.md §2 "Web
 * Push"): the rules filter the rows where the data lives, so an event costs one round trip
 * however many members a conversation has, and nobody is read only to be dropped.
 */

/** One browser to push to: a live session's subscription. */
export interface PushRecipient {
  subscriptionId: string;
  userId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  /** What the push may show this user. */
  pushContent: PushContent;
}

export interface MessagePushAudience {
  conversationKind: 'direct' | 'group';
  conversationTitle: string | null;
  senderDisplayName: string;
  recipients: PushRecipient[];
}

export interface CallPushAudience {
  conversationId: string;
  media: CallMedia;
  callerDisplayName: string;
  recipients: PushRecipient[];
}

interface RecipientRow {
  subscription_id: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  push_content: PushContent;
}

/** Subscriptions of the members `m` (as users `u`) whose session is neither revoked nor expired. */
const LIVE_SUBSCRIPTIONS = `JOIN users u ON u.id = m.user_id
  JOIN push_subscriptions p ON p.user_id = m.user_id
  JOIN sessions s ON s.id = p.session_id AND s.revoked_at IS NULL AND s.expires_at > now()`;

const RECIPIENT_COLUMNS = `p.id::text AS subscription_id, p.user_id::text AS user_id, p.endpoint, p.p256dh, p.auth, u.push_content::text AS push_content`;

const NOT_IN_DND = '(u.dnd_until IS NULL OR u.dnd_until <= now())';

/**
 * A socket of member `m` shows a Parley window that is focused and visible (presence_set
 * `active` + `viewing`), renewed by its node within `freshMsParam` ms: a dead node's views stop
 * counting by themselves. `extra` narrows it (to one conversation).
 */
const freshView = (freshMsParam: string, extra = '') =>
  `EXISTS (SELECT 1 FROM active_views v WHERE v.user_id = m.user_id ${extra}
            AND v.seen_at > now() - make_interval(secs => ${freshMsParam}::float8 / 1000))`;

const toRecipient = (r: RecipientRow): PushRecipient => ({
  subscriptionId: r.subscription_id,
  userId: r.user_id,
  endpoint: r.endpoint,
  p256dh: r.p256dh,
  auth: r.auth,
  pushContent: r.push_content,
});

/**
 * The subscriptions to push a new text message to: members other than the sender whose
 * effective level lets it alert (`all`, or `mentions` and it mentions them), who have not read
 * it (`lastReadSeq` below it), are not in do-not-disturb, and are not looking at the
 * conversation. Null when nobody qualifies.
 */
export async function messagePushRecipients(
  db: Db,
  input: { conversationId: string; seq: number; senderId: string; mentions: readonly string[]; viewFreshMs: number },
): Promise<MessagePushAudience | null> {
  const { rows } = await db.pool.query<RecipientRow & { kind: 'direct' | 'group'; title: string | null; sender_name: string }>(
    `SELECT ${RECIPIENT_COLUMNS}, c.kind::text AS kind, c.title, a.display_name AS sender_name
       FROM conversations c
       JOIN users a ON a.id = $2
       JOIN members m ON m.conversation_id = c.id AND m.user_id <> a.id
       ${LIVE_SUBSCRIPTIONS}
      WHERE c.id = $1
        AND m.last_read_seq < $3
        AND ${NOT_IN_DND}
        AND CASE ${effectiveNotifyLevelSql('m.notify', 'c.kind')}
              WHEN 'all' THEN true
              WHEN 'mentions' THEN m.user_id = ANY($4::uuid[])
              ELSE false END
        AND NOT ${freshView('$5', 'AND v.conversation_id = c.id')}`,
    [input.conversationId, input.senderId, input.seq, [...input.mentions], input.viewFreshMs],
  );
  const [first] = rows;
  if (!first) return null;
  return { conversationKind: first.kind, conversationTitle: first.title, senderDisplayName: first.sender_name, recipients: rows.map(toRecipient) };
}

/**
 * The subscriptions to push a call to, while it is in `state`: `ringing` for the ring,
 * `ended` for the "missed call". Members who were in the conversation when it started, other
 * than the caller, who never held a seat in it and did not decline it, whose level is not
 * `none` (`mentions` still rings: a call is for you), who are not in do-not-disturb, and who
 * have no Parley window focused anywhere (it rings there). Null when nobody qualifies, and
 * when the call is no longer in that state (a ring answered before its push went out).
 */
export async function callPushRecipients(
  db: Db,
  input: { callId: string; state: 'ringing' | 'ended'; viewFreshMs: number },
): Promise<CallPushAudience | null> {
  const { rows } = await db.pool.query<RecipientRow & { conversation_id: string; media: CallMedia; caller_name: string }>(
    `SELECT ${RECIPIENT_COLUMNS}, k.conversation_id::text AS conversation_id, k.media::text AS media, a.display_name AS caller_name
       FROM calls k
       JOIN conversations c ON c.id = k.conversation_id
       JOIN users a ON a.id = k.caller_id
       JOIN members m ON m.conversation_id = k.conversation_id AND m.user_id <> k.caller_id AND m.joined_at <= k.started_at
       ${LIVE_SUBSCRIPTIONS}
      WHERE k.id = $1 AND k.state::text = $2
        AND NOT (m.user_id = ANY(COALESCE(k.joined_by, '{}') || COALESCE(k.declined_by, '{}')))
        AND ${NOT_IN_DND}
        AND ${effectiveNotifyLevelSql('m.notify', 'c.kind')} <> 'none'
        AND NOT ${freshView('$3')}`,
    [input.callId, input.state, input.viewFreshMs],
  );
  const [first] = rows;
  if (!first) return null;
  return { conversationId: first.conversation_id, media: first.media, callerDisplayName: first.caller_name, recipients: rows.map(toRecipient) };
}
