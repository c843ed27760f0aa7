import { MAX_FRAME_BYTES } from './constants.ts';
import { AppError, ERROR_CODES, type ErrorCode } from './errors.ts';
import type { KnownEvent } from './events.ts';
import {
  CLIENT_FRAME_TYPES,
  ClientFrameSchema,
  ServerFrameSchema,
  type ClientFrame,
  type ErrorFrame,
  type ServerFrame,
} from './frames.ts';

export type ParseResult<T> = { ok: true; frame: T } | { ok: false; error: AppError };

function parseJson(text: string): ParseResult<unknown> {
  try {
    return { ok: true, frame: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: new AppError('bad_json') };
  }
}

const encoder = new TextEncoder();

/** UTF-8 byte length without encoding short strings: a code unit is at most 3 bytes. */
function utf8Length(text: string): number {
  return text.length * 3 <= MAX_FRAME_BYTES ? text.length : encoder.encode(text).length;
}

/** What an error answers: the send's clientId, the call's id, else the frame type. */
function refOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.clientId === 'string' && v.clientId.length <= 64) return v.clientId;
  // Call frames: errors name the call, so a client can fail exactly that call.
  if (typeof v.callId === 'string' && v.callId.length <= 64) return v.callId;
  if (typeof v.type === 'string' && v.type.length <= 64) return v.type;
  return undefined;
}

/**
 * Parses one text frame from a client. Never throws: every failure is an AppError with a
 * code from ERROR_CODES (bad_json, unknown_type, bad_frame) and, where known, the `ref`
 * (clientId or type) of the frame it answers.
 */
export function parseClientFrame(text: string): ParseResult<ClientFrame> & { ref?: string } {
  if (utf8Length(text) > MAX_FRAME_BYTES) {
    return { ok: false, error: new AppError('bad_frame', `Frame exceeds ${MAX_FRAME_BYTES} bytes`) };
  }
  const json = parseJson(text);
  if (!json.ok) return json;
  const ref = refOf(json.frame);
  const type = (json.frame as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !(CLIENT_FRAME_TYPES as string[]).includes(type)) {
    return { ok: false, ref, error: new AppError('unknown_type', `Unknown frame type: ${String(type).slice(0, 64)}`) };
  }
  const parsed = ClientFrameSchema.safeParse(json.frame);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? `${first.path.join('.')}: ` : '';
    return { ok: false, ref, error: new AppError('bad_frame', `${where}${first?.message ?? 'invalid frame'}`) };
  }
  return { ok: true, ref, frame: parsed.data };
}

/** Parses one frame from the server (used by the SDK). Unknown types are reported, not thrown. */
export function parseServerFrame(text: string): ParseResult<ServerFrame> {
  const json = parseJson(text);
  if (!json.ok) return json;
  const parsed = ServerFrameSchema.safeParse(json.frame);
  if (!parsed.success) {
    return { ok: false, error: new AppError('bad_frame', parsed.error.issues[0]?.message ?? 'invalid frame') };
  }
  return { ok: true, frame: parsed.data };
}

/**
 * A server frame serialized ahead of time. A committed action is sent twice, in the chat_ack
 * to its author and in the chat_event to every member: encodeChatOutcome serializes its event
 * once for both, and the hub and the socket send these as they are.
 */
export class EncodedFrame {
  constructor(readonly json: string) {}
}

/** Serializes a frame. Kept as one function so fan-out encodes each frame exactly once. */
export function encodeFrame(frame: ServerFrame | ClientFrame | EncodedFrame): string {
  return frame instanceof EncodedFrame ? frame.json : JSON.stringify(frame);
}

/**
 * The chat_ack answering `clientId` and, when something was committed, the chat_event of the
 * same event, its JSON made once: the same text as encodeFrame of each frame (the ack's fields
 * in the order of ChatAckFrame: type, clientId, duplicate, event).
 */
export function encodeChatOutcome(clientId: string, duplicate: boolean, event: KnownEvent | undefined): { ack: EncodedFrame; event?: EncodedFrame } {
  const head = `{"type":"chat_ack","clientId":${JSON.stringify(clientId)},"duplicate":${duplicate}`;
  if (event === undefined) return { ack: new EncodedFrame(`${head}}`) };
  const json = JSON.stringify(event);
  return { ack: new EncodedFrame(`${head},"event":${json}}`), event: new EncodedFrame(`{"type":"chat_event","event":${json}}`) };
}

export function errorFrame(
  code: ErrorCode,
  options: { message?: string; ref?: string; retryAfterMs?: number } = {},
): ErrorFrame {
  return {
    type: 'error',
    code,
    message: options.message ?? ERROR_CODES[code].message,
    retryable: ERROR_CODES[code].retryable,
    ...(options.ref === undefined ? {} : { ref: options.ref }),
    ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
  };
}

export function errorFrameFrom(error: AppError, ref?: string): ErrorFrame {
  const retryAfterMs = typeof error.details?.retryAfterMs === 'number' ? error.details.retryAfterMs : undefined;
  return errorFrame(error.code, { message: error.message, ref, retryAfterMs });
}
