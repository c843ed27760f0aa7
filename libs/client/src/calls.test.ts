import { describe, expect, it } from 'vitest';
import type { CallInfo, CallRingFrame, CallSignalInFrame, CallUpdateFrame } from '@parley/protocol';
import { isParleyClientError } from './errors.ts';
import { CONVERSATION_A as A } from './testing/messages.ts';
import { BOB, unitClient } from './testing/unit-client.ts';

const CALL_ID = '00000000-0000-4000-8000-00000000ca11';

const call: CallInfo = {
  id: CALL_ID,
  conversationId: A,
  media: 'audio',
  callerId: BOB,
  state: 'ringing',
  participants: [{ userId: BOB, connectionId: 'bob-1', joinedAt: new Date(0).toISOString() }],
  startedAt: new Date(0).toISOString(),
  answeredAt: null,
  endedAt: null,
  endReason: null,
};

describe('call signaling API', () => {
  it('sends invite with a client-made UUID and the other call frames as given', () => {
    const t = unitClient();
    const socket = t.connect();
    const callId = t.client.callInvite(A, 'video');
    expect(callId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(t.client.callAccept(callId)).toBe(true);
    expect(t.client.callDecline(callId)).toBe(true);
    expect(t.client.callSignal(callId, 'bob-1', { kind: 'candidate', candidate: null })).toBe(true);
    expect(t.client.callHangup(callId)).toBe(true);
    expect(socket.sent.filter((f) => f.type.startsWith('call_'))).toEqual([
      { type: 'call_invite', callId, conversationId: A, media: 'video' },
      { type: 'call_accept', callId },
      { type: 'call_decline', callId },
      { type: 'call_signal', callId, toConnectionId: 'bob-1', data: { kind: 'candidate', candidate: null } },
      { type: 'call_hangup', callId },
    ]);
  });

  it('does not queue call frames while disconnected, and refuses to start a call', () => {
    const t = unitClient();
    t.connect();
    t.fake.last().drop(1006);
    let thrown: unknown;
    try {
      t.client.callInvite(A, 'audio');
    } catch (error) {
      thrown = error;
    }
    expect(isParleyClientError(thrown) && thrown.reason).toBe('offline');
    expect(t.client.callHangup(CALL_ID)).toBe(false);
    expect(t.client.callSignal(CALL_ID, 'bob-1', { kind: 'candidate', candidate: null })).toBe(false);
    t.clock.advance(100);
    const next = t.fake.accept();
    // Nothing stale is replayed on the new socket.
    expect(next.sent.filter((f) => f.type.startsWith('call_'))).toEqual([]);
  });

  it('emits call_ring, call_update and call_signal', () => {
    const t = unitClient();
    t.connect();
    const seen: string[] = [];
    t.client.on('call_ring', (f: CallRingFrame) => seen.push(`ring:${f.caller.handle}`));
    t.client.on('call_update', (f: CallUpdateFrame) => seen.push(`update:${f.ringStopped ?? f.call.state}`));
    t.client.on('call_signal', (f: CallSignalInFrame) => seen.push(`signal:${f.fromConnectionId}:${f.data.kind}`));
    t.deliver({ type: 'call_ring', call, caller: { id: BOB, handle: 'bob', displayName: 'Bob' } });
    t.deliver({ type: 'call_update', call, ringStopped: 'answered_elsewhere' });
    t.deliver({
      type: 'call_signal_in',
      callId: CALL_ID,
      fromConnectionId: 'bob-1',
      fromUserId: BOB,
      data: { kind: 'description', description: { type: 'offer', sdp: 'v=0' } },
    });
    expect(seen).toEqual(['ring:bob', 'update:answered_elsewhere', 'signal:bob-1:description']);
  });

  it('exposes the connection id of the current socket only', () => {
    const t = unitClient();
    expect(t.client.connectionId).toBeNull();
    t.connect();
    expect(t.client.connectionId).toBe('c1');
    t.fake.last().drop(1006);
    expect(t.client.connectionId).toBeNull();
    t.clock.advance(100);
    t.fake.accept();
    expect(t.client.connectionId).toBe('c1');
  });
});
