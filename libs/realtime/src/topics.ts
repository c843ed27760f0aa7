import { z } from 'zod';

/**
 * Bus topics. Every id is appended verbatim; handlers are closures that already know
 * their id. Only a bus recovery reads one back (conversationOfTopic): which conversations
 * had publishes dropped.
 *
 * | topic                      | payload                                   | subscribed by a node while it holds |
 * |----------------------------|-------------------------------------------|-------------------------------------|
 * | `parley:conv:<convId>`     | one encoded ServerFrame, sent verbatim    | a socket in that conversation       |
 * | `parley:user:<userId>`     | one encoded ServerFrame, sent verbatim    | a socket of that user               |
 * | `parley:user-ctl:<userId>` | ControlMessage `join` / `leave`           | a socket of that user               |
 * | `parley:session:<sessId>`  | ControlMessage `close_session`            | a socket of that session            |
 * | `parley:sock:<socketId>`   | one encoded ServerFrame, sent verbatim    | that socket (call signaling)        |
 *
 * Frames and control messages use separate topics so a frame is forwarded to sockets
 * untouched (encoded once, never re-parsed), while control messages, which make a node act
 * (subscribe, close sockets), are JSON-parsed and zod-validated at the bus edge. Control
 * topics are scoped per user and per session so a node only hears about users it serves.
 */
export const TOPIC_PREFIX = 'parley:';

export const topics = {
  conversation: (conversationId: string) => `${TOPIC_PREFIX}conv:${conversationId}`,
  user: (userId: string) => `${TOPIC_PREFIX}user:${userId}`,
  userControl: (userId: string) => `${TOPIC_PREFIX}user-ctl:${userId}`,
  session: (sessionId: string) => `${TOPIC_PREFIX}session:${sessionId}`,
  socket: (socketId: string) => `${TOPIC_PREFIX}sock:${socketId}`,
} as const;

const CONVERSATION_TOPIC_PREFIX = topics.conversation('');

/** The conversation a `parley:conv:<id>` topic is about; undefined for any other topic. */
export function conversationOfTopic(topic: string): string | undefined {
  return topic.startsWith(CONVERSATION_TOPIC_PREFIX) ? topic.slice(CONVERSATION_TOPIC_PREFIX.length) : undefined;
}

const MAX_CLOSE_REASON_BYTES = 123;
const utf8 = new TextEncoder();

/** The codes `ws` accepts in `close()` (RFC 6455 7.4): 1000-1014 minus reserved ones, and 3000-4999. */
function isSendableCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

const BusIdSchema = z.string().min(1).max(128);

/** Bumped if a control message changes incompatibly; nodes drop versions they do not know. */
export const CONTROL_VERSION = 1;

/**
 * Control message wire format: JSON object, `v` = CONTROL_VERSION, `op` selects the shape.
 * Examples:
 *   {"v":1,"op":"join","userId":"u1","conversationId":"c1"}
 *   {"v":1,"op":"leave","userId":"u1","conversationId":"c1"}
 *   {"v":1,"op":"close_session","sessionId":"s1","code":1000,"reason":"signed_out"}
 */
export const ControlMessageSchema = z.discriminatedUnion('op', [
  z.object({ v: z.literal(CONTROL_VERSION), op: z.literal('join'), userId: BusIdSchema, conversationId: BusIdSchema }),
  z.object({ v: z.literal(CONTROL_VERSION), op: z.literal('leave'), userId: BusIdSchema, conversationId: BusIdSchema }),
  z.object({
    v: z.literal(CONTROL_VERSION),
    op: z.literal('close_session'),
    sessionId: BusIdSchema,
    code: z.number().int().refine(isSendableCloseCode, 'not a close code an endpoint may send'),
    // RFC 6455 caps a close frame's reason at 123 bytes of UTF-8.
    reason: z.string().refine((r) => utf8.encode(r).length <= MAX_CLOSE_REASON_BYTES, 'close reason too long'),
  }),
]);
export type ControlMessage = z.infer<typeof ControlMessageSchema>;

export function encodeControl(message: ControlMessage): string {
  return JSON.stringify(message);
}

export type DecodeResult = { ok: true; message: ControlMessage } | { ok: false; problem: string };

/** Never throws: a payload from another node is untrusted bytes until it parses. */
export function decodeControl(payload: string): DecodeResult {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const parsed = ControlMessageSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, problem: `${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}` };
  }
  return { ok: true, message: parsed.data };
}
