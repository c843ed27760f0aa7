import { ConversationEventSchema, IdSchema, SeqSchema } from '@parley/protocol';
import type { ChatAckFrame, ChatSyncResultFrame, ConversationEvent } from '@parley/protocol';
import type { LooseErrorFrame } from './errors.ts';

export type SalvagedFrame = LooseErrorFrame | ChatAckFrame | ChatSyncResultFrame;

/**
 * Reads what matters of a frame the strict schema refused, so that a newer server (PROTOCOL.md
 * §14: new error codes, new event shapes) never strands an outbox entry or a sync:
 * - `error` with a code this SDK does not know: kept, `retryable` decides (§11);
 * - `chat_ack` whose event cannot be read: the ack still settles its entry (the event comes
 *   again through the log);
 * - `chat_sync_result` with an event that cannot be read even as an unknown kind (no seq):
 *   the page is applied without it; `throughSeq` still moves past it.
 * Anything else stays unreadable (undefined) and is reported as before.
 */
export function salvageFrame(text: string): SalvagedFrame | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const frame = value as Record<string, unknown>;
  switch (frame.type) {
    case 'error':
      return salvageError(frame);
    case 'chat_ack':
      return salvageAck(frame);
    case 'chat_sync_result':
      return salvageSyncResult(frame);
    default:
      return undefined;
  }
}

function salvageError(frame: Record<string, unknown>): LooseErrorFrame | undefined {
  const { code, message, retryable, ref, retryAfterMs } = frame;
  if (typeof code !== 'string' || typeof retryable !== 'boolean') return undefined;
  return {
    type: 'error',
    code,
    message: typeof message === 'string' ? message : code,
    retryable,
    ...(typeof ref === 'string' ? { ref } : {}),
    ...(typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0 ? { retryAfterMs } : {}),
  };
}

function salvageAck(frame: Record<string, unknown>): ChatAckFrame | undefined {
  if (typeof frame.clientId !== 'string') return undefined;
  const event = ConversationEventSchema.safeParse(frame.event);
  return {
    type: 'chat_ack',
    clientId: frame.clientId,
    duplicate: frame.duplicate === true,
    ...(event.success ? { event: event.data } : {}),
  };
}

function salvageSyncResult(frame: Record<string, unknown>): ChatSyncResultFrame | undefined {
  const conversationId = IdSchema.safeParse(frame.conversationId);
  const afterSeq = SeqSchema.safeParse(frame.afterSeq);
  const throughSeq = SeqSchema.safeParse(frame.throughSeq);
  if (!conversationId.success || !afterSeq.success || !throughSeq.success || !Array.isArray(frame.events)) return undefined;
  const events: ConversationEvent[] = [];
  for (const raw of frame.events as unknown[]) {
    const event = ConversationEventSchema.safeParse(raw);
    if (event.success) events.push(event.data);
  }
  return {
    type: 'chat_sync_result',
    conversationId: conversationId.data,
    afterSeq: afterSeq.data,
    events,
    hasMore: frame.hasMore === true,
    throughSeq: throughSeq.data,
  };
}
