import type { CallMedia, Message, PushPayload } from '@parley/protocol';
import { PUSH_PAYLOAD_VERSION, callAlertText, messageAlertText, pushTag } from '@parley/protocol';
import type { MessagePushAudience, PushRecipient } from '@parley/db';

// Who gets a push is decided in Postgres (messagePushRecipients, callPushRecipients in
// @parley/db); this file only says what each push carries. Its words come from
// messageAlertText / callAlertText (@parley/protocol), which the web app's page alerts use too.

const conversationUrl = (conversationId: string) => `/c/${conversationId}`;

/** Never more than the recipient chose (`pushContent`): see messageAlertText. */
export function messagePayload(audience: MessagePushAudience, m: Message, recipient: PushRecipient, now: Date): PushPayload {
  const text = messageAlertText({
    senderName: audience.senderDisplayName,
    conversation: { kind: audience.conversationKind, title: audience.conversationTitle },
    message: m,
    recipientId: recipient.userId,
    content: recipient.pushContent,
  });
  return {
    v: PUSH_PAYLOAD_VERSION,
    kind: 'message',
    conversationId: m.conversationId,
    seq: m.seq,
    ...text,
    tag: pushTag(m.conversationId),
    renotify: true,
    url: conversationUrl(m.conversationId),
    sentAt: now.toISOString(),
  };
}

export function callPayload(call: { id: string; conversationId: string; media: CallMedia }, callerName: string, ringing: boolean, now: Date): PushPayload {
  return {
    v: PUSH_PAYLOAD_VERSION,
    kind: ringing ? 'call' : 'missed_call',
    conversationId: call.conversationId,
    callId: call.id,
    ...callAlertText(call.media, callerName, ringing),
    tag: pushTag(call.conversationId),
    // The missed call replaces the ring quietly: it already rang.
    renotify: ringing,
    url: conversationUrl(call.conversationId),
    sentAt: now.toISOString(),
  };
}
