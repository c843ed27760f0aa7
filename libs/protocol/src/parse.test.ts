import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES, MAX_MESSAGE_CHARS } from './constants.ts';
import type { KnownEvent } from './events.ts';
import type { ServerFrame } from './frames.ts';
import { parseClientFrame, parseServerFrame, errorFrame, encodeFrame, encodeChatOutcome, EncodedFrame } from './parse.ts';

const CONV = '8a1f2d8e-7a8b-4c3d-9e0f-1a2b3c4d5e6f';
const send = (body: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'chat_send', clientId: 'client-0001', conversationId: CONV, body, ...extra });

describe('parseClientFrame', () => {
  it('accepts a valid chat_send and keeps the body as sent', () => {
    const result = parseClientFrame(send('  hi 👋\nsecond line  '));
    expect(result.ok).toBe(true);
    if (result.ok && result.frame.type === 'chat_send') expect(result.frame.body).toBe('  hi 👋\nsecond line  ');
  });

  it('accepts a body of exactly the maximum length and refuses one character more', () => {
    expect(parseClientFrame(send('x'.repeat(MAX_MESSAGE_CHARS))).ok).toBe(true);
    const over = parseClientFrame(send('x'.repeat(MAX_MESSAGE_CHARS + 1)));
    expect(over.ok).toBe(false);
    if (!over.ok) {
      expect(over.error.code).toBe('bad_frame');
      expect(over.error.message).toContain('body');
      expect(over.ref).toBe('client-0001');
    }
  });

  it('refuses whitespace-only bodies', () => {
    const result = parseClientFrame(send(' \n\t '));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('bad_frame');
  });

  it.each([
    ['not json', '{nope', 'bad_json'],
    ['a JSON string', '"hello"', 'unknown_type'],
    ['null', 'null', 'unknown_type'],
    ['missing type', '{"a":1}', 'unknown_type'],
    ['unknown type', '{"type":"chat_archive"}', 'unknown_type'],
    ['bad uuid', send('x', { conversationId: 'nope' }), 'bad_frame'],
    ['bad clientId', send('x', { clientId: 'has spaces!' }), 'bad_frame'],
    ['negative seq', JSON.stringify({ type: 'chat_sync', conversationId: CONV, afterSeq: -1 }), 'bad_frame'],
    ['fractional seq', JSON.stringify({ type: 'chat_read', conversationId: CONV, seq: 1.5 }), 'bad_frame'],
    ['hello without version', '{"type":"hello"}', 'bad_frame'],
  ])('refuses %s with %s', (_name, text, code) => {
    const result = parseClientFrame(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('refuses frames over the byte cap, counting UTF-8 bytes, not characters', () => {
    // 3-byte characters: under the cap in characters, over it in bytes.
    const text = JSON.stringify({ type: 'ping', nonce: '€'.repeat(MAX_FRAME_BYTES / 3 + 10) });
    expect(text.length).toBeLessThan(MAX_FRAME_BYTES);
    const result = parseClientFrame(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain(String(MAX_FRAME_BYTES));
  });

  it('strips unknown fields rather than failing (forward compatible)', () => {
    const result = parseClientFrame(JSON.stringify({ type: 'ping', nonce: 'a', future: true }));
    expect(result.ok && result.frame).toEqual({ type: 'ping', nonce: 'a' });
  });
});

describe('server frames', () => {
  it('round-trips an error frame built from the code table', () => {
    const frame = errorFrame('rate_limited', { ref: 'client-0001', retryAfterMs: 120 });
    expect(frame).toMatchObject({ retryable: true, retryAfterMs: 120, ref: 'client-0001' });
    const parsed = parseServerFrame(encodeFrame(frame));
    expect(parsed.ok && parsed.frame).toEqual(frame);
  });

  it('rejects a server frame of unknown type without throwing', () => {
    const parsed = parseServerFrame('{"type":"from_the_future"}');
    expect(parsed.ok).toBe(false);
  });
});

describe('error refs', () => {
  it('name the call for call frames, so a client can fail exactly that call', () => {
    const callId = '8a1f2d8e-7a8b-4c3d-9e0f-1a2b3c4d5e6f';
    const result = parseClientFrame(JSON.stringify({ type: 'call_invite', callId, conversationId: 'nope', media: 'video' }));
    expect(!result.ok && result.ref).toBe(callId);
  });
});

describe('encodeChatOutcome', () => {
  const created: KnownEvent = {
    kind: 'message_created',
    conversationId: CONV,
    seq: 42,
    actorId: '5d41402a-bc4b-4a76-b971-9d911017c592',
    createdAt: '2026-12-01T06:55:40.123Z',
    message: {
      id: 'b7e2c1d4-5f6a-4b3c-9d8e-1a2b3c4d5e6f',
      conversationId: CONV,
      seq: 42,
      senderId: '5d41402a-bc4b-4a76-b971-9d911017c592',
      clientId: 'client-0001',
      kind: 'text',
      // Everything JSON must escape, and text it must not touch.
      body: 'quote " backslash \\ newline \n tab \t nul-free \u2028 emoji 👋 </script>',
      replyTo: null,
      mentions: [],
      editedAt: null,
      deletedAt: null,
      reactions: [],
      createdAt: '2026-12-01T06:55:40.123Z',
    },
  };

  it.each([
    ['a new event', false, created],
    ['a retried one', true, created],
    ['nothing written', false, undefined],
  ] as const)('writes %s exactly as encodeFrame writes the ack and the event frames', (_, duplicate, event) => {
    const encoded = encodeChatOutcome('client-0001', duplicate, event);
    const ack = { type: 'chat_ack', clientId: 'client-0001', duplicate, ...(event ? { event } : {}) } satisfies ServerFrame;
    expect(encoded.ack.json).toBe(encodeFrame(ack));
    expect(encodeFrame(encoded.ack)).toBe(encodeFrame(ack));
    if (event) expect(encoded.event?.json).toBe(encodeFrame({ type: 'chat_event', event } satisfies ServerFrame));
    else expect(encoded.event).toBeUndefined();
    // And a client reads them back as the frames they stand for.
    expect(parseServerFrame(encoded.ack.json)).toMatchObject({ ok: true, frame: ack });
    if (encoded.event) expect(parseServerFrame(encoded.event.json)).toMatchObject({ ok: true, frame: { type: 'chat_event', event } });
  });

  it('passes an EncodedFrame through encodeFrame untouched', () => {
    expect(encodeFrame(new EncodedFrame('{"type":"pong"}'))).toBe('{"type":"pong"}');
  });
});
