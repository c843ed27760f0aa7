import type { CallInfo, CallMedia, CallRingFrame } from '@parley/protocol';

export type CallEndedReason =
  | 'missed'
  | 'declined'
  | 'cancelled'
  | 'completed'
  | 'failed'
  | 'answered_elsewhere'
  | 'declined_elsewhere'
  | 'hung_up';

export type PeerLinkState = 'new' | 'connected' | 'disconnected' | 'failed';

interface InCall {
  callId: string;
  /** Last CallInfo from the server (null until the first call_update of our own invite). */
  call: CallInfo | null;
  /** Per other participant (keyed by userId: one device per user takes a call). */
  peers: Record<string, PeerLinkState>;
}

export type CallState =
  | { status: 'idle' }
  | ({ status: 'outgoing_ringing'; conversationId: string; media: CallMedia } & InCall)
  | ({ status: 'incoming_ringing'; caller: CallRingFrame['caller'] } & InCall)
  | ({ status: 'connecting'; joined: boolean; replacedCallId?: string } & InCall)
  | ({ status: 'active'; joined: boolean } & InCall)
  | ({ status: 'reconnecting'; joined: boolean } & InCall)
  | { status: 'ended'; callId: string; reason: CallEndedReason; call: CallInfo | null };

export type CallEvent =
  | { type: 'invite_sent'; callId: string; conversationId: string; media: CallMedia }
  | { type: 'ring_received'; frame: CallRingFrame }
  | { type: 'accept_local' }
  /** Join a running call we are not in (a group call, or one we declined). */
  | { type: 'join_local'; call: CallInfo }
  /** The server refused our invite (`conflict`): `running` is the live call in that conversation, if known. */
  | { type: 'invite_refused'; callId: string; running: CallInfo | null }
  | { type: 'decline_local' }
  | { type: 'hangup_local' }
  | { type: 'update_received'; call: CallInfo; ringStopped?: 'answered_elsewhere' | 'declined_elsewhere'; selfUserId: string }
  | { type: 'peer_state'; userId: string; state: PeerLinkState }
  | { type: 'ring_timeout' }
  | { type: 'failed' }
  | { type: 'reset' };

export const IDLE: CallState = { status: 'idle' };

const isFree = (s: CallState): boolean => s.status === 'idle' || s.status === 'ended';

function ended(s: Exclude<CallState, { status: 'idle' }>, reason: CallEndedReason, call?: CallInfo): CallState {
  return { status: 'ended', callId: s.callId, reason, call: call ?? s.call };
}

/** Other participants' link states, keeping what we knew about those still present. */
function peersOf(call: CallInfo, selfUserId: string, known: Record<string, PeerLinkState>): Record<string, PeerLinkState> {
  const peers: Record<string, PeerLinkState> = {};
  for (const p of call.participants) if (p.userId !== selfUserId) peers[p.userId] = known[p.userId] ?? 'new';
  return peers;
}

/** Connected if any link is up; after having been up, 'reconnecting' while none is. */
function linkStatus(wasUp: boolean, peers: Record<string, PeerLinkState>): 'connecting' | 'active' | 'reconnecting' {
  if (Object.values(peers).includes('connected')) return 'active';
  return wasUp ? 'reconnecting' : 'connecting';
}

/**
 * The call UI state for one device, as a pure reducer. The server is the authority on the call
 * (call_update carries the full CallInfo); peer links only refine connecting/active/reconnecting.
 * Transitions are tabulated in README.md.
 */
export function reduceCall(state: CallState, event: CallEvent): CallState {
  switch (event.type) {
    case 'invite_sent':
      if (!isFree(state)) return state;
      return { status: 'outgoing_ringing', ...event, call: null, peers: {} };
    case 'ring_received': {
      const { call, caller } = event.frame;
      if (isFree(state)) return { status: 'incoming_ringing', callId: call.id, call, caller, peers: {} };
      // Call glare: two members call each other at once. The server keeps one live call per
      // conversation, so a ring for this conversation while our own invite is unconfirmed
      // means ours lost (its `conflict` is on the way): take theirs instead (PROTOCOL.md §10.8).
      if (state.status === 'outgoing_ringing' && call.conversationId === state.conversationId && state.call === null) {
        return { status: 'connecting', callId: call.id, call, peers: {}, joined: false, replacedCallId: state.callId };
      }
      return state; // busy: one call at a time; the other caller hears ringing until timeout
    }
    case 'accept_local':
      if (state.status !== 'incoming_ringing') return state;
      return { status: 'connecting', callId: state.callId, call: state.call, peers: state.peers, joined: false };
    case 'join_local':
      if (!isFree(state) || event.call.state === 'ended') return state;
      return { status: 'connecting', callId: event.call.id, call: event.call, peers: {}, joined: false };
    case 'invite_refused':
      if (state.status !== 'outgoing_ringing' || state.callId !== event.callId) return state;
      // Without the running call we wait: its ring or update usually follows the refusal.
      if (!event.running || event.running.state === 'ended') return state;
      return { status: 'connecting', callId: event.running.id, call: event.running, peers: {}, joined: false };
    case 'decline_local':
      return state.status === 'incoming_ringing' ? ended(state, 'declined') : state;
    case 'hangup_local':
      if (state.status === 'outgoing_ringing') return ended(state, 'cancelled');
      if (state.status === 'incoming_ringing') return ended(state, 'declined');
      if (state.status === 'connecting' || state.status === 'active' || state.status === 'reconnecting') {
        return ended(state, 'hung_up');
      }
      return state;
    case 'ring_timeout':
      return state.status === 'outgoing_ringing' || state.status === 'incoming_ringing' ? ended(state, 'missed') : state;
    case 'failed':
      return isFree(state) ? state : ended(state as Exclude<CallState, { status: 'idle' }>, 'failed');
    case 'reset':
      return state.status === 'ended' ? IDLE : state;
    case 'update_received':
      return onUpdate(state, event);
    case 'peer_state': {
      if (state.status !== 'connecting' && state.status !== 'active' && state.status !== 'reconnecting') return state;
      if (!(event.userId in state.peers)) return state;
      const peers = { ...state.peers, [event.userId]: event.state };
      return { ...state, peers, status: linkStatus(state.status !== 'connecting', peers) };
    }
  }
}

function onUpdate(state: CallState, event: Extract<CallEvent, { type: 'update_received' }>): CallState {
  const { call, ringStopped, selfUserId } = event;
  if (isFree(state) || state.status === 'idle' || state.status === 'ended' || state.callId !== call.id) return state;
  if (call.state === 'ended') return ended(state, call.endReason ?? 'failed', call);
  const selfIn = call.participants.some((p) => p.userId === selfUserId);
  switch (state.status) {
    case 'incoming_ringing':
      if (ringStopped) return ended(state, ringStopped, call);
      return { ...state, call };
    case 'outgoing_ringing':
      if (call.state !== 'active') return { ...state, call };
      return { status: 'connecting', callId: call.id, call, joined: selfIn, peers: peersOf(call, selfUserId, {}) };
    case 'connecting':
    case 'active':
    case 'reconnecting': {
      // Our accept may not be processed yet (connecting, not joined): absence means nothing.
      // Once we were in, absence means the server removed us.
      if (state.joined && !selfIn) return ended(state, 'hung_up', call);
      const peers = peersOf(call, selfUserId, state.peers);
      const status = state.status === 'connecting' ? 'connecting' : linkStatus(true, peers);
      const next = { ...state, call, peers, joined: state.joined || selfIn };
      return status === 'connecting' ? { ...next, status } : { ...next, status };
    }
  }
}
