import { ClientFrameSchema, EmojiSchema, MessageBodySchema } from '@parley/protocol';
import type { ChatActionFrame } from '@parley/protocol';
import { ParleyClientError } from './errors.ts';
import type { OutboxAction } from './outbox-entry.ts';

/** Refuses what the server would refuse at its edge, before anything is queued. */
export function validateAction(action: OutboxAction): void {
  // Files with no caption: '' is the whole body (PROTOCOL.md §5.3).
  const filesOnly = action.type === 'send' && (action.attachments?.length ?? 0) > 0 && action.body === '';
  if ((action.type === 'send' && !filesOnly) || action.type === 'edit') {
    const parsed = MessageBodySchema.safeParse(action.body);
    if (!parsed.success) throw new ParleyClientError('invalid_input', parsed.error.issues[0]?.message ?? 'Invalid message body');
  }
  if (action.type === 'react' && !EmojiSchema.safeParse(action.emoji).success) {
    throw new ParleyClientError('invalid_input', 'A reaction is one emoji');
  }
}

export function frameOf(clientId: string, conversationId: string, action: OutboxAction): ChatActionFrame {
  switch (action.type) {
    case 'send':
      return {
        type: 'chat_send',
        clientId,
        conversationId,
        body: action.body,
        ...(action.replyTo ? { replyTo: action.replyTo } : {}),
        ...(action.attachments?.length ? { attachments: action.attachments.map((file) => file.id) } : {}),
      };
    case 'edit':
      return { type: 'chat_edit', clientId, conversationId, messageId: action.messageId, body: action.body };
    case 'delete':
      return { type: 'chat_delete', clientId, conversationId, messageId: action.messageId };
    case 'react':
      return { type: 'chat_react', clientId, conversationId, messageId: action.messageId, emoji: action.emoji, action: action.action };
  }
}

/**
 * Whether a stored action (from IndexedDB, written by any version of this SDK) would make a
 * valid frame today. A record that would not is skipped rather than resent forever.
 */
export function isSendable(clientId: unknown, conversationId: unknown, action: unknown): action is OutboxAction {
  if (typeof clientId !== 'string' || typeof conversationId !== 'string' || typeof action !== 'object' || action === null) return false;
  try {
    return ClientFrameSchema.safeParse(frameOf(clientId, conversationId, action as OutboxAction)).success;
  } catch {
    return false;
  }
}
