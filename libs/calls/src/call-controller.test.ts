import { describe, expect, it } from 'vitest';
import { ParleyClientError, type ParleyClientEvents } from '@parley/client';
import type { CallInfo } from '@parley/protocol';
import { REFUSED_INVITE_WAIT_MS, createCallController, type CallClient, type CallTimers } from './call-controller.ts';

// The controller's bookkeeping around the server's answers, with a scripted client: what it
// sends for each event. Real peers and the real gateway are in the *.int tests and web-e2e.

const ME = '00000000-0000-4000-8000-0000000000a1';
const BOB = '00000000-0000-4000-8000-0000000000b0';
const CAROL = '00000000-0000-4000-8000-0000000000c0';
const CONV = '00000000-0000-4000-8000-00000000c0a1';
const RUNNING = '00000000-0000-4000-8000-000000000003';
const T = new Date(0).toISOString();

function live(id: string, who: string[], patch: Partial<CallInfo> = {}): CallInfo {
  return {
    id, conversationId: CONV, media: 'audio', callerId: BOB, state: 'active',
    participants: who.map((userId) => ({ userId, connectionId: `${userId}-conn`, joinedAt: T })),
    startedAt: T, answeredAt: T, endedAt: null, endReason: null, ...patch,
  };
}

function setup() {
  const listeners: { [E in keyof ParleyClientEvents]?: Array<ParleyClientEvents[E]> } = {};
  const sent: string[] = [];
  let invites = 0;
  const client: CallClient = {
    connectionId: 'me-conn',
    callInvite: () => {
      invites += 1;
      sent.push('invite');
      return `00000000-0000-4000-8000-${String(100 + invites).padStart(12, '0')}`;
    },
    callAccept: (id) => (sent.push(`accept:${id}`), true),
    callDecline: (id) => (sent.push(`decline:${id}`), true),
    callHangup: (id) => (sent.push(`hangup:${id}`), true),
    callSignal: () => true,
    on: ((event: keyof ParleyClientEvents, listener: never) => {
      ((listeners[event] ??= []) as unknown[]).push(listener);
      return () => undefined;
    }) as CallClient['on'],
  };
  const emit = <E extends keyof ParleyClientEvents>(event: E, ...args: Parameters<ParleyClientEvents[E]>) => {
    for (const l of listeners[event] ?? []) (l as (...a: unknown[]) => void)(...args);
  };
  const due: Array<{ fn: () => void; ms: number }> = [];
  const timers: CallTimers = {
    setTimeout: (fn, ms) => due.push({ fn, ms }) - 1,
    clearTimeout: (handle) => {
      const entry = due[handle as number];
      if (entry) entry.fn = () => undefined;
    },
  };
  const controller = createCallController({
    client,
    selfUserId: ME,
    createPeerConnection: () => {
      throw new Error('no peers in these tests');
    },
    iceServers: [],
    onState: () => undefined,
    timers,
  });
  const conflict = (ref: string) =>
    emit('error', ParleyClientError.fromFrame({ type: 'error', code: 'conflict', message: 'refused', ref, retryable: false }));
  return { controller, sent, emit, due, conflict };
}

describe('call controller bookkeeping', () => {
  it('start() joins a call already running in the conversation instead of inviting', () => {
    const { controller, sent, emit } = setup();
    emit('call_update', { type: 'call_update', call: live(RUNNING, [BOB, CAROL]) });
    expect(controller.start(CONV, 'audio')).toBe(RUNNING);
    expect(sent).toEqual([`accept:${RUNNING}`]);
    expect(controller.state).toMatchObject({ status: 'connecting', callId: RUNNING, joined: false });
  });

  it('forgets running calls on reconnect: one that ended while we were away is not joined', () => {
    const { controller, sent, emit } = setup();
    emit('call_update', { type: 'call_update', call: live(RUNNING, [BOB, CAROL]) });
    emit('ready', {} as never);
    expect(controller.running.size).toBe(0);
    controller.start(CONV, 'audio');
    expect(sent).toEqual(['invite']);
  });

  it('a refused join ends failed and forgets that call, so the next start invites', () => {
    const { controller, sent, emit, conflict } = setup();
    emit('call_update', { type: 'call_update', call: live(RUNNING, [BOB, CAROL]) });
    controller.start(CONV, 'audio');
    conflict(RUNNING); // e.g. "A call holds at most 4 people"
    expect(controller.state).toMatchObject({ status: 'ended', reason: 'failed' });
    controller.reset();
    controller.start(CONV, 'audio');
    expect(sent).toEqual([`accept:${RUNNING}`, 'invite']);
  });

  it('a refused invite joins the running call once it shows up, or fails after a wait', () => {
    const first = setup();
    const ours = first.controller.start(CONV, 'audio');
    first.conflict(ours);
    expect(first.controller.state).toMatchObject({ status: 'outgoing_ringing', callId: ours });
    first.emit('call_ring', { type: 'call_ring', call: live(RUNNING, [BOB], { state: 'ringing' }), caller: { id: BOB, handle: 'bob', displayName: 'Bob' } });
    expect(first.controller.state).toMatchObject({ status: 'connecting', callId: RUNNING });
    expect(first.sent).toEqual(['invite', `hangup:${ours}`, `accept:${RUNNING}`]);

    const second = setup();
    const lonely = second.controller.start(CONV, 'audio');
    second.conflict(lonely);
    const wait = second.due.find((d) => d.ms === REFUSED_INVITE_WAIT_MS);
    wait?.fn();
    expect(second.controller.state).toMatchObject({ status: 'ended', reason: 'failed' });
  });

  it('does not offer a call one of our own devices sits in as joinable', () => {
    const { controller, emit } = setup();
    emit('call_update', { type: 'call_update', call: live(RUNNING, [ME, BOB]) });
    expect(controller.running.size).toBe(0);
    emit('call_update', { type: 'call_update', call: live(RUNNING, [BOB, CAROL]) });
    expect(controller.running.get(CONV)?.id).toBe(RUNNING);
    emit('call_update', { type: 'call_update', call: live(RUNNING, [BOB], { state: 'ended', endReason: 'completed' }) });
    expect(controller.running.size).toBe(0);
  });
});
