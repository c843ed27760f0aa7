import { RING_TIMEOUT_MS, type CallInfo, type CallMedia, type SignalData } from '@parley/protocol';
import type { ParleyClient } from '@parley/client';
import { IDLE, reduceCall, type CallEvent, type CallState } from './call-machine.ts';
import type { PeerConnectionConfig, PeerConnectionLike, TrackEventLike } from './peer-connection.ts';
import { PeerSession, isPolite } from './peer-session.ts';

/** The SDK surface the controller needs (ParleyClient satisfies it). */
export type CallClient = Pick<
  ParleyClient,
  'connectionId' | 'callInvite' | 'callAccept' | 'callDecline' | 'callHangup' | 'callSignal' | 'on'
>;

export interface TrackLike {
  readonly kind: string;
  enabled: boolean;
}

export interface CallTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The server ends an unanswered call at RING_TIMEOUT_MS; the local timer is only a fallback. */
export const LOCAL_RING_GRACE_MS = 5_000;
/**
 * An invite refused with `conflict` while we do not know the running call waits this long for
 * its ring or update (glare: the refusal usually comes first) before ending as `failed`.
 */
export const REFUSED_INVITE_WAIT_MS = 3_000;

export interface CallControllerOptions<TTrack extends TrackLike, TStream> {
  client: CallClient;
  selfUserId: string;
  createPeerConnection(config: PeerConnectionConfig): PeerConnectionLike<TTrack, TStream>;
  iceServers: PeerConnectionConfig['iceServers'];
  /**
   * ICE servers for an ICE restart (after a reconnect, a network change, a failed link). TURN
   * credentials are short-lived: an allocation made with them lives on, but a restart makes a
   * new one, so return fresh ones when the current ones have expired. Without it, connections
   * keep the servers they were created with.
   */
  freshIceServers?: () => Promise<PeerConnectionConfig['iceServers']>;
  /** Tracks sent to every peer (added when a peer session is created). */
  localMedia?: () => { tracks: TTrack[]; stream?: TStream };
  onState(state: CallState): void;
  onRemoteTrack?(userId: string, track: TTrack, streams: readonly TStream[]): void;
  onError?(error: unknown): void;
  timers?: CallTimers;
}

export interface CallController<TTrack, TStream = unknown> {
  readonly state: CallState;
  /**
   * Calls the conversation; returns the call id. When a call already runs there, joins that
   * one instead (one live call per conversation). Throws ParleyClientError('offline').
   */
  start(conversationId: string, media: CallMedia): string;
  accept(): void;
  /** Joins a running call of one of our conversations (a group call, or one we declined). */
  join(call: CallInfo): void;
  /** Live calls we know of in our conversations, by conversation id (from rings and updates). */
  readonly running: ReadonlyMap<string, CallInfo>;
  decline(): void;
  hangup(): void;
  /** Leaves `ended` for `idle` (the UI dismissed the end screen). */
  reset(): void;
  setMicrophoneEnabled(enabled: boolean): void;
  setCameraEnabled(enabled: boolean): void;
  /** Sends one more track to every peer (e.g. a screen share): each session renegotiates. */
  addTrack(track: TTrack, stream?: TStream): void;
  /** Re-checks every media path with new ICE credentials (the network changed). */
  restartIce(): void;
  /** Hangs up if in a call and detaches from the client. */
  dispose(): void;
}

interface Peer<TTrack, TStream> {
  session: PeerSession<TTrack, TStream>;
  /** Where signals go; follows the remote device across its reconnects. */
  connectionId: string;
}

const IN_CALL = new Set(['connecting', 'active', 'reconnecting']);

export function createCallController<TTrack extends TrackLike, TStream>(
  options: CallControllerOptions<TTrack, TStream>,
): CallController<TTrack, TStream> {
  const { client, selfUserId } = options;
  const timers: CallTimers = options.timers ?? {
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
  };
  const peers = new Map<string, Peer<TTrack, TStream>>();
  const extraTracks: Array<{ track: TTrack; stream?: TStream }> = [];
  let state: CallState = IDLE;
  let ringTimer: unknown;
  let refusedTimer: unknown;
  let pendingHangup: string | undefined;
  const running = new Map<string, CallInfo>();

  const inCall = (s: CallState): s is Extract<CallState, { status: 'connecting' | 'active' | 'reconnecting' }> =>
    IN_CALL.has(s.status);

  function dispatch(event: CallEvent): void {
    const before = state;
    state = reduceCall(state, event);
    if (state === before) return;
    if (state.status === 'connecting' && before.status === 'outgoing_ringing' && state.callId !== before.callId) {
      // Our invite lost to a call in the same conversation: take that one (PROTOCOL.md §10.8).
      if (state.replacedCallId) hangupFrame(state.replacedCallId);
      client.callAccept(state.callId);
    }
    const ringing = state.status === 'outgoing_ringing' || state.status === 'incoming_ringing';
    if (!ringing && ringTimer !== undefined) {
      timers.clearTimeout(ringTimer);
      ringTimer = undefined;
    } else if (ringing && ringTimer === undefined) {
      ringTimer = timers.setTimeout(() => {
        ringTimer = undefined;
        dispatch({ type: 'ring_timeout' });
      }, RING_TIMEOUT_MS + LOCAL_RING_GRACE_MS);
    }
    syncPeers();
    options.onState(state);
  }

  function syncPeers(): void {
    if (!inCall(state) || !state.call) {
      if (!inCall(state)) closeAll();
      return;
    }
    const present = new Map<string, string>();
    for (const p of state.call.participants) if (p.userId !== selfUserId) present.set(p.userId, p.connectionId);
    for (const [userId, peer] of peers) {
      if (!present.has(userId)) {
        peer.session.close();
        peers.delete(userId);
      }
    }
    // Only once we are in: the server relays signals between participants only.
    if (!state.joined) return;
    for (const [userId, connectionId] of present) {
      const peer = peers.get(userId);
      if (peer) peer.connectionId = connectionId;
      else openPeer(userId, connectionId);
    }
  }

  function openPeer(userId: string, connectionId: string): Peer<TTrack, TStream> {
    const callId = state.status === 'idle' ? '' : state.callId;
    const pc = options.createPeerConnection({ iceServers: options.iceServers });
    const peer: Peer<TTrack, TStream> = { connectionId, session: undefined as never };
    pc.ontrack = (event: TrackEventLike<TTrack, TStream>) => options.onRemoteTrack?.(userId, event.track, event.streams);
    peer.session = new PeerSession<TTrack, TStream>({
      pc,
      // User ids, not connection ids: they survive a signaling reconnect, and one device per
      // user takes a call, so they identify the remote end as well.
      polite: isPolite(selfUserId, userId),
      send: (data: SignalData) => void client.callSignal(callId, peer.connectionId, data),
      onConnectionState: (s) => {
        if (s === 'connected' || s === 'disconnected' || s === 'failed') dispatch({ type: 'peer_state', userId, state: s });
      },
      onError: options.onError,
      ...(options.freshIceServers ? { beforeIceRestart: () => refreshConfiguration(pc) } : {}),
    });
    peers.set(userId, peer);
    const media = options.localMedia?.();
    for (const track of media?.tracks ?? []) addTrackTo(pc, track, media?.stream);
    for (const { track, stream } of extraTracks) addTrackTo(pc, track, stream);
    return peer;
  }

  async function refreshConfiguration(pc: PeerConnectionLike<TTrack, TStream>): Promise<void> {
    const iceServers = await options.freshIceServers?.();
    if (iceServers && pc.setConfiguration) pc.setConfiguration({ iceServers });
  }

  function closeAll(): void {
    for (const peer of peers.values()) peer.session.close();
    peers.clear();
    extraTracks.length = 0;
  }

  function hangupFrame(callId: string): void {
    // Not sent while offline: retried after the next hello_ok so the server does not keep us.
    if (!client.callHangup(callId)) pendingHangup = callId;
  }

  function setKindEnabled(kind: string, enabled: boolean): void {
    for (const track of options.localMedia?.().tracks ?? []) if (track.kind === kind) track.enabled = enabled;
  }

  /** Live calls we could join: not ended, and without a seat of ours (another device's call is not joinable). */
  function trackRunning(call: CallInfo): void {
    const joinable = call.state !== 'ended' && !call.participants.some((p) => p.userId === selfUserId);
    if (joinable) running.set(call.conversationId, call);
    else if (running.get(call.conversationId)?.id === call.id) running.delete(call.conversationId);
  }

  function onInviteRefused(callId: string): void {
    if (state.status !== 'outgoing_ringing' || state.callId !== callId) return;
    const live = running.get(state.conversationId);
    dispatch({ type: 'invite_refused', callId, running: live && live.id !== callId ? live : null });
    if (state.status !== 'outgoing_ringing' || state.callId !== callId) return;
    refusedTimer = timers.setTimeout(() => {
      refusedTimer = undefined;
      if (state.status === 'outgoing_ringing' && state.callId === callId) dispatch({ type: 'failed' });
    }, REFUSED_INVITE_WAIT_MS);
  }

  const unsubscribe = [
    client.on('call_ring', (frame) => {
      trackRunning(frame.call);
      dispatch({ type: 'ring_received', frame });
    }),
    client.on('call_update', (frame) => {
      trackRunning(frame.call);
      dispatch({ type: 'update_received', call: frame.call, ringStopped: frame.ringStopped, selfUserId });
    }),
    client.on('error', (error) => {
      const ref = error.frame?.ref;
      if (ref === undefined || state.status === 'idle' || state.status === 'ended' || ref !== state.callId) return;
      if (state.status === 'outgoing_ringing' && error.code === 'conflict') return onInviteRefused(ref);
      // Our accept or join was refused (the call ended, is full, or we left the conversation).
      const refusable = error.code === 'conflict' || error.code === 'not_found' || error.code === 'not_member';
      if (!inCall(state) || state.joined || !refusable) return;
      if (state.call && running.get(state.call.conversationId)?.id === ref) running.delete(state.call.conversationId);
      dispatch({ type: 'failed' });
    }),
    client.on('call_signal', (frame) => {
      if (!inCall(state) || frame.callId !== state.callId || frame.fromUserId === selfUserId) return;
      // A signal can beat the call_update that announces its sender (or its new connection).
      let peer = peers.get(frame.fromUserId);
      if (!peer && state.joined) peer = openPeer(frame.fromUserId, frame.fromConnectionId);
      if (!peer) return;
      peer.connectionId = frame.fromConnectionId;
      void peer.session.receive(frame.data);
    }),
    client.on('ready', () => {
      // Calls that ended while we were away send nothing more: the frames after hello_ok
      // (call_ring / call_update for live calls) rebuild the list.
      running.clear();
      if (pendingHangup) {
        if (client.callHangup(pendingHangup)) pendingHangup = undefined;
      }
      if (!inCall(state)) return;
      // New connection id: rejoin so the server addresses us there, then restart ICE so the
      // media path is re-checked (signals from before the drop are lost).
      client.callAccept(state.callId);
      for (const peer of peers.values()) peer.session.restartIce();
    }),
  ];

  return {
    get state() {
      return state;
    },
    running,
    start(conversationId, media) {
      const live = running.get(conversationId);
      if (live && (state.status === 'idle' || state.status === 'ended')) {
        this.join(live);
        return live.id;
      }
      const callId = client.callInvite(conversationId, media);
      dispatch({ type: 'invite_sent', callId, conversationId, media });
      return callId;
    },
    accept() {
      if (state.status !== 'incoming_ringing') return;
      client.callAccept(state.callId);
      dispatch({ type: 'accept_local' });
    },
    join(call) {
      if (state.status !== 'idle' && state.status !== 'ended') return;
      if (call.state === 'ended') return;
      client.callAccept(call.id);
      dispatch({ type: 'join_local', call });
    },
    decline() {
      if (state.status !== 'incoming_ringing') return;
      client.callDecline(state.callId);
      dispatch({ type: 'decline_local' });
    },
    hangup() {
      if (state.status === 'incoming_ringing') return this.decline();
      if (state.status === 'idle' || state.status === 'ended') return;
      hangupFrame(state.callId);
      dispatch({ type: 'hangup_local' });
    },
    reset: () => dispatch({ type: 'reset' }),
    setMicrophoneEnabled: (enabled) => setKindEnabled('audio', enabled),
    setCameraEnabled: (enabled) => setKindEnabled('video', enabled),
    addTrack(track, stream) {
      extraTracks.push({ track, stream });
      for (const peer of peers.values()) addTrackTo(peer.session.pc, track, stream);
    },
    restartIce() {
      for (const peer of peers.values()) peer.session.restartIce();
    },
    dispose() {
      this.hangup();
      for (const off of unsubscribe) off();
      if (ringTimer !== undefined) timers.clearTimeout(ringTimer);
      if (refusedTimer !== undefined) timers.clearTimeout(refusedTimer);
      closeAll();
    },
  };
}

function addTrackTo<TTrack, TStream>(pc: PeerConnectionLike<TTrack, TStream>, track: TTrack, stream?: TStream): void {
  if (stream === undefined) pc.addTrack(track);
  else pc.addTrack(track, stream);
}
