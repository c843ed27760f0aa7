import { describe, expect, it } from 'vitest';
import type { CallInfo, CallRingFrame } from '@parley/protocol';
import { IDLE, reduceCall, type CallEvent, type CallState } from './call-machine.ts';

const ME = '00000000-0000-4000-8000-0000000000a1';
const BOB = '00000000-0000-4000-8000-0000000000b0';
const CAROL = '00000000-0000-4000-8000-0000000000c0';
const CONV = '00000000-0000-4000-8000-00000000c0a1';
const CALL_1 = '00000000-0000-4000-8000-000000000001';
const CALL_2 = '00000000-0000-4000-8000-000000000002';
const CALL_3 = '00000000-0000-4000-8000-000000000003';
const T = new Date(0).toISOString();

function info(id: string, patch: Partial<CallInfo> = {}, who: string[] = [BOB]): CallInfo {
  return {
    id,
    conversationId: CONV,
    media: 'audio',
    callerId: BOB,
    state: 'ringing',
    participants: who.map((userId) => ({ userId, connectionId: `${userId}-conn`, joinedAt: T })),
    startedAt: T,
    answeredAt: null,
    endedAt: null,
    endReason: null,
    ...patch,
  };
}
const ring = (call: CallInfo): CallEvent => ({
  type: 'ring_received',
  frame: { type: 'call_ring', call, caller: { id: call.callerId, handle: 'bob', displayName: 'Bob' } } satisfies CallRingFrame,
});
const update = (call: CallInfo, ringStopped?: 'answered_elsewhere' | 'declined_elsewhere'): CallEvent => ({
  type: 'update_received',
  call,
  selfUserId: ME,
  ...(ringStopped ? { ringStopped } : {}),
});
const run = (events: CallEvent[], from: CallState = IDLE): CallState => events.reduce(reduceCall, from);
const invite: CallEvent = { type: 'invite_sent', callId: CALL_2, conversationId: CONV, media: 'audio' };
const active = (id: string, who: string[]) => info(id, { state: 'active', answeredAt: T }, who);

describe('reduceCall', () => {
  it('outgoing: ringing, answered, connecting, active on the first connected peer', () => {
    const s = run([invite, update(info(CALL_2, { callerId: ME }, [ME])), update(active(CALL_2, [ME, BOB]))]);
    expect(s).toMatchObject({ status: 'connecting', joined: true, peers: { [BOB]: 'new' } });
    expect(run([{ type: 'peer_state', userId: BOB, state: 'connected' }], s)).toMatchObject({ status: 'active' });
  });

  it('cancel while ringing ends the caller with cancelled', () => {
    expect(run([invite, { type: 'hangup_local' }])).toMatchObject({ status: 'ended', reason: 'cancelled', callId: CALL_2 });
  });

  it('incoming: stops with answered_elsewhere or declined_elsewhere', () => {
    const r = ring(info(CALL_1));
    expect(run([r, update(active(CALL_1, [BOB, ME]), 'answered_elsewhere')])).toMatchObject({
      status: 'ended',
      reason: 'answered_elsewhere',
    });
    expect(run([r, update(info(CALL_1), 'declined_elsewhere')])).toMatchObject({ reason: 'declined_elsewhere' });
  });

  it('ring timeout ends either side with missed, locally or from the server', () => {
    expect(run([ring(info(CALL_1)), { type: 'ring_timeout' }])).toMatchObject({ status: 'ended', reason: 'missed' });
    expect(run([invite, update(info(CALL_2, { state: 'ended', endReason: 'missed' }))])).toMatchObject({
      reason: 'missed',
    });
    // Once connecting, a stray ring timer changes nothing.
    const connecting = run([ring(info(CALL_1)), { type: 'accept_local' }]);
    expect(run([{ type: 'ring_timeout' }], connecting)).toBe(connecting);
  });

  it('decline: locally declined, and the caller sees the server end it declined', () => {
    expect(run([ring(info(CALL_1)), { type: 'decline_local' }])).toMatchObject({ status: 'ended', reason: 'declined' });
    expect(run([invite, update(info(CALL_2, { state: 'ended', endReason: 'declined' }))])).toMatchObject({
      reason: 'declined',
    });
  });

  it('hang-up during connecting ends hung_up; the server ending it later changes nothing', () => {
    const s = run([ring(info(CALL_1)), { type: 'accept_local' }, { type: 'hangup_local' }]);
    expect(s).toMatchObject({ status: 'ended', reason: 'hung_up' });
    expect(run([update(info(CALL_1, { state: 'ended', endReason: 'completed' }))], s)).toBe(s);
  });

  it('accepting waits for our own join: an update without us does not end the call', () => {
    const s = run([ring(info(CALL_1)), { type: 'accept_local' }, update(active(CALL_1, [BOB, CAROL]))]);
    expect(s).toMatchObject({ status: 'connecting', joined: false });
    const joined = run([update(active(CALL_1, [BOB, CAROL, ME]))], s);
    expect(joined).toMatchObject({ joined: true, peers: { [BOB]: 'new', [CAROL]: 'new' } });
    // Removed by the server after having joined: ended.
    expect(run([update(active(CALL_1, [BOB, CAROL]))], joined)).toMatchObject({ status: 'ended', reason: 'hung_up' });
  });

  it('group: peers join and leave; the call stays active while one link is up', () => {
    let s = run([ring(info(CALL_1)), { type: 'accept_local' }, update(active(CALL_1, [BOB, ME]))]);
    s = run([{ type: 'peer_state', userId: BOB, state: 'connected' }, update(active(CALL_1, [BOB, ME, CAROL]))], s);
    expect(s).toMatchObject({ status: 'active', peers: { [BOB]: 'connected', [CAROL]: 'new' } });
    s = run([{ type: 'peer_state', userId: CAROL, state: 'connected' }, update(active(CALL_1, [ME, CAROL]))], s);
    expect(s).toMatchObject({ status: 'active', peers: { [CAROL]: 'connected' } });
    expect(s.status !== 'idle' && s.status !== 'ended' && BOB in s.peers).toBe(false);
    s = run([{ type: 'peer_state', userId: CAROL, state: 'disconnected' }], s);
    expect(s).toMatchObject({ status: 'reconnecting' });
    s = run([{ type: 'peer_state', userId: CAROL, state: 'connected' }], s);
    expect(s).toMatchObject({ status: 'active' });
    expect(run([update(info(CALL_1, { state: 'ended', endReason: 'completed' }, []))], s)).toMatchObject({
      status: 'ended',
      reason: 'completed',
    });
  });

  it('call glare: a ring for the conversation while our invite is unconfirmed takes us into that call', () => {
    // We invited CALL_2; Bob's CALL_3 rings before the server confirmed ours: ours lost.
    const ours = run([invite, ring(info(CALL_3))]);
    expect(ours).toMatchObject({ status: 'connecting', callId: CALL_3, joined: false, replacedCallId: CALL_2 });
    // Once the server confirmed our call (call_update), no other call can ring in that conversation.
    const confirmed = run([invite, update(info(CALL_2, { callerId: ME }, [ME]))]);
    expect(run([ring(info(CALL_3))], confirmed)).toBe(confirmed);
  });

  it('a refused invite joins the running call, or waits for it when it is not known yet', () => {
    const running = info(CALL_3, { state: 'active' }, [BOB, CAROL]);
    expect(run([invite, { type: 'invite_refused', callId: CALL_2, running }])).toMatchObject({
      status: 'connecting',
      callId: CALL_3,
      joined: false,
    });
    const waiting = run([invite, { type: 'invite_refused', callId: CALL_2, running: null }]);
    expect(waiting).toMatchObject({ status: 'outgoing_ringing', callId: CALL_2 });
    // A refusal of some other invite changes nothing.
    expect(run([{ type: 'invite_refused', callId: CALL_1, running }], waiting)).toBe(waiting);
  });

  it('joins a running call from idle or after an ended one, never while busy', () => {
    const running = info(CALL_3, { state: 'active' }, [BOB, CAROL]);
    expect(run([{ type: 'join_local', call: running }])).toMatchObject({ status: 'connecting', callId: CALL_3, joined: false });
    const declined = run([ring(info(CALL_3)), { type: 'decline_local' }]);
    expect(run([{ type: 'join_local', call: running }], declined)).toMatchObject({ status: 'connecting', callId: CALL_3 });
    const busy = run([invite]);
    expect(run([{ type: 'join_local', call: running }], busy)).toBe(busy);
    expect(run([{ type: 'join_local', call: { ...running, state: 'ended' } }])).toEqual(IDLE);
  });

  it('ignores updates for other calls and rings while busy; reset returns to idle', () => {
    const s = run([ring(info(CALL_1)), { type: 'accept_local' }]);
    expect(run([ring(info(CALL_2)), update(info(CALL_2, { state: 'ended', endReason: 'missed' }))], s)).toBe(s);
    const done = run([{ type: 'hangup_local' }, { type: 'reset' }], s);
    expect(done).toEqual(IDLE);
  });
});
