import { describe, expect, it } from 'vitest';
import type { MessagePushAudience, PushRecipient } from '@parley/db';
import { PushPayloadSchema, type Message } from '@parley/protocol';
import { callPayload, messagePayload } from './push-payloads.ts';

// Who gets a push is decided in Postgres (libs/db push-recipients.int.test.ts); the words are
// messageAlertText's (libs/protocol alert-text.test.ts). Here: the payload around them.

const CONVERSATION = '3c9b1f2e-7a44-4d0b-8c1e-5f6a7b8c9d0e';
const ANN = '8f14e45f-ceea-4e7a-9f6b-2b1c0d3e4a51';
const BOB = '5d41402a-bc4b-4a76-b971-9d911017c592';
const NOW = new Date('2026-12-01T09:00:00.000Z');

const message = (over: Partial<Message> = {}): Message => ({
  id: '00000000-0000-4000-8000-000000000001', conversationId: CONVERSATION, seq: 7, senderId: ANN, clientId: 'c-1-abcd', kind: 'text',
  body: 'see you at 5', replyTo: null, mentions: [], editedAt: null, deletedAt: null, reactions: [], createdAt: NOW.toISOString(), ...over,
});
const bob = (over: Partial<PushRecipient> = {}): PushRecipient => ({
  subscriptionId: 's1', userId: BOB, endpoint: 'https://push.example/1', p256dh: 'k', auth: 'a', pushContent: 'sender', ...over,
});
const audience = (kind: 'direct' | 'group'): MessagePushAudience => ({
  conversationKind: kind, conversationTitle: kind === 'group' ? 'Team' : null, senderDisplayName: 'Ann', recipients: [],
});

describe('what a push carries', () => {
  it('the words the recipient chose, and the message it is about', () => {
    const payload = messagePayload(audience('group'), message({ mentions: [BOB] }), bob(), NOW);
    expect(PushPayloadSchema.parse(payload)).toEqual({
      v: 1, kind: 'message', conversationId: CONVERSATION, seq: 7, title: 'Ann mentioned you', body: '',
      tag: `parley:${CONVERSATION}`, renotify: true, url: `/c/${CONVERSATION}`, sentAt: NOW.toISOString(),
    });
    expect(messagePayload(audience('group'), message(), bob({ pushContent: 'text' }), NOW)).toMatchObject({ title: 'Ann in Team', body: 'see you at 5' });
  });

  it('a long text with an emoji at the cut stays well-formed JSON text (no lone surrogate)', () => {
    const body = `${'x'.repeat(298)}😀${'y'.repeat(100)}`;
    const payload = messagePayload(audience('direct'), message({ body }), bob({ pushContent: 'text' }), NOW);
    expect(payload.body).toBe(`${'x'.repeat(298)}…`);
    // A lone surrogate would become U+FFFD once encoded as UTF-8 for the push.
    expect(new TextDecoder().decode(new TextEncoder().encode(JSON.stringify(payload)))).toBe(JSON.stringify(payload));
  });

  it('one tag per conversation; a missed call replaces the ring quietly', () => {
    const call = { id: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f', conversationId: CONVERSATION, media: 'audio' as const };
    const ring = callPayload(call, 'Ann', true, NOW);
    const missed = callPayload(call, 'Ann', false, NOW);
    expect(ring).toMatchObject({ kind: 'call', callId: call.id, title: 'Incoming call from Ann', body: 'Tap to answer', renotify: true, tag: `parley:${CONVERSATION}` });
    expect(missed).toMatchObject({ kind: 'missed_call', title: 'Missed call from Ann', body: '', renotify: false, tag: ring.tag });
    expect(messagePayload(audience('direct'), message(), bob(), NOW).tag).toBe(ring.tag);
  });
});
