import { describe, expect, it } from 'vitest';
import { parleyCodec, type FrameSink } from './wire.ts';

const CONV = '3c9b1f2e-7a44-4d0b-8c1e-5f6a7b8c9d0e';

function sink() {
  const seen: string[] = [];
  const events: FrameSink = {
    ready: () => seen.push('ready'),
    payload: (p) => seen.push(`payload ${p}`),
    ack: (c) => seen.push(`ack ${c}`),
    error: (t) => seen.push(`error ${t}`),
    reply: (f) => seen.push(`reply ${f}`),
  };
  return { seen, events };
}

const message = `{"id":"b7e2c1d4-5f6a-4b3c-9d8e-1a2b3c4d5e6f","conversationId":"${CONV}","seq":42,"senderId":"8f14e45f-ceea-4e7a-9f6b-2b1c0d3e4a51","clientId":"k3J9_x2mQe0a","kind":"text","body":"B|3|7|pad","createdAt":"2026-11-26T12:45:01.482Z"}`;

describe('parleyCodec', () => {
  it('speaks protocol 2: hello with version 2, deliveries are chat_event frames', () => {
    const codec = parleyCodec(CONV, 2);
    const { seen, events } = sink();
    expect(JSON.parse(codec.greeting ?? '')).toMatchObject({ type: 'hello', protocol: 2 });
    codec.read(`{"type":"chat_event","event":{"kind":"message_created","conversationId":"${CONV}","seq":42,"message":${message}}}`, events);
    codec.read(`{"type":"chat_message","message":${message}}`, events);
    codec.read(`{"type":"chat_ack","clientId":"k3J9_x2mQe0a","duplicate":false,"event":{"message":${message}}}`, events);
    expect(seen).toEqual(['payload B|3|7|pad', 'ack k3J9_x2mQe0a']);
  });

  it('speaks protocol 1 (builds before the event log): deliveries are chat_message frames', () => {
    const codec = parleyCodec(CONV, 1);
    const { seen, events } = sink();
    expect(JSON.parse(codec.greeting ?? '')).toMatchObject({ type: 'hello', protocol: 1 });
    codec.read(`{"type":"chat_message","message":${message}}`, events);
    codec.read(`{"type":"chat_event","event":{"message":${message}}}`, events);
    codec.read(`{"type":"chat_ack","clientId":"k3J9_x2mQe0a","duplicate":false,"message":${message}}`, events);
    expect(seen).toEqual(['payload B|3|7|pad', 'ack k3J9_x2mQe0a']);
  });

  it('builds the same chat_send text as JSON.stringify, for either version', () => {
    for (const version of [1, 2]) {
      const frame = parleyCodec(CONV, version).send('B|1|2|x', 'client_0001');
      expect(frame).toBe(JSON.stringify({ type: 'chat_send', conversationId: CONV, clientId: 'client_0001', body: 'B|1|2|x' }));
    }
  });
});
