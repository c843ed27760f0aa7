import { createCallController, type CallController, type CallState } from '@parley/calls';
import type { CallInfo, CallMedia } from '@parley/protocol';
import type { RealtimeClient } from '../realtime.ts';
import { listDevices, openLocalMedia, openTrack, type DeviceLists } from './local-media.ts';
import { requestNotificationPermission, notifyIncomingCall } from './notify.ts';
import { PeerRegistry, type RemotePeerView } from './peer-registry.ts';
import { startRingtone } from './ringtone.ts';

const STATS_INTERVAL_MS = 2_000;
/** TURN credentials this close to expiry are replaced before an ICE restart. */
const ICE_REFRESH_MARGIN_MS = 30_000;
/** A restart does not wait longer than this for fresh credentials; it keeps the old ones. */
const ICE_REFRESH_TIMEOUT_MS = 3_000;
/** How long "Declined", "No answer", "Call ended" stay up before the call UI closes. */
export const OUTCOME_VISIBLE_MS = 2_500;

export interface LocalView {
  stream: MediaStream | null;
  /** What the preview shows: the camera, or the shared screen while sharing. */
  preview: MediaStream | null;
  micOn: boolean;
  cameraOn: boolean;
  sharing: boolean;
  microphoneId?: string | undefined;
  cameraId?: string | undefined;
}

export interface CallSnapshot {
  state: CallState;
  /** The call we started (outcome wording differs for the caller). */
  outgoing: boolean;
  local: LocalView;
  remoteStreams: Readonly<Record<string, MediaStream>>;
  devices: DeviceLists;
  /** Running calls in our conversations that we are not in (groups: "Join call"). */
  running: Readonly<Record<string, CallInfo>>;
  error: string | null;
  /** For an ended call, the status it ended from ('incoming_ringing': a toast, not the call screen). */
  endedFrom: CallState['status'] | null;
  /** Bumped when a peer's in-band media state or link quality changes (see `peer()`). */
  peersVersion: number;
}

export interface CallSessionDeps {
  client: RealtimeClient;
  selfUserId: string;
  /** From the API: STUN, and TURN with credentials that expire at `expiresAt` (ISO) when set. */
  fetchIceServers(): Promise<{ iceServers: RTCIceServer[]; expiresAt: string | null }>;
}

/** Everything WebRTC for one signed-in tab. React reads it through `subscribe`/`snapshot`. */
export class CallSession {
  private readonly listeners = new Set<() => void>();
  private readonly registry = new PeerRegistry(() => this.set({ peersVersion: this.snap.peersVersion + 1 }));
  private readonly controller: CallController<MediaStreamTrack, MediaStream>;
  private iceServers: RTCIceServer[] = [];
  /** When the TURN credentials in `iceServers` expire (epoch ms); null: they do not. */
  private iceExpiresAt: number | null = null;
  private cameraTrack: MediaStreamTrack | null = null;
  private screenTrack: MediaStreamTrack | null = null;
  private ringing: { stop(): void } | null = null;
  private notification: { close(): void } | null = null;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private outcomeTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly offUpdate: () => void;
  private snap: CallSnapshot;

  constructor(private readonly deps: CallSessionDeps) {
    this.snap = {
      state: { status: 'idle' },
      outgoing: false,
      local: { stream: null, preview: null, micOn: true, cameraOn: true, sharing: false },
      remoteStreams: {},
      devices: { microphones: [], cameras: [] },
      running: {},
      error: null,
      peersVersion: 0,
      endedFrom: null,
    };
    this.controller = createCallController<MediaStreamTrack, MediaStream>({
      client: deps.client,
      selfUserId: deps.selfUserId,
      iceServers: [],
      // The latest servers from the API, not the ones the controller was made with.
      createPeerConnection: () => this.registry.create(this.iceServers),
      // A restart allocates on the TURN server anew: expired credentials would get a 401.
      // A network change drops the socket too, so the controller's restart after the
      // reconnect covers it; a failed link restarts by itself (PeerSession).
      freshIceServers: async () => {
        if (this.iceExpiresAt !== null && this.iceExpiresAt - Date.now() < ICE_REFRESH_MARGIN_MS) await this.refreshIceServers();
        return this.iceServers;
      },
      localMedia: () => {
        const stream = this.snap.local.stream;
        return { tracks: stream?.getTracks() ?? [], ...(stream ? { stream } : {}) };
      },
      onState: (state) => this.onState(state),
      onRemoteTrack: (userId, track, streams) => this.onRemoteTrack(userId, track, streams),
      onError: (error) => console.warn('call negotiation error', error),
    });
    // The controller keeps the live calls we could join (and forgets them on reconnect); these
    // listeners run after its own, so they read the list already updated.
    const refresh = () => this.refreshRunning();
    const offs = [deps.client.on('call_update', refresh), deps.client.on('call_ring', refresh), deps.client.on('ready', refresh)];
    this.offUpdate = () => offs.forEach((off) => off());
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): CallSnapshot => this.snap;

  peer(userId: string): RemotePeerView {
    return this.registry.view(userId);
  }

  async start(conversationId: string, media: CallMedia): Promise<void> {
    requestNotificationPermission();
    if (!(await this.prepare(media))) return;
    try {
      this.set({ outgoing: true });
      this.controller.start(conversationId, media);
    } catch (error) {
      this.releaseMedia();
      this.set({ error: error instanceof Error ? error.message : 'Could not start the call' });
    }
  }

  async accept(): Promise<void> {
    const state = this.controller.state;
    if (state.status !== 'incoming_ringing') return;
    this.stopRinging();
    if (!(await this.prepare(state.call?.media ?? 'audio'))) return;
    this.set({ outgoing: false });
    this.controller.accept();
  }

  /** Joins a running (group) call we are not in. */
  async join(call: CallInfo): Promise<void> {
    const status = this.controller.state.status;
    if ((status !== 'idle' && status !== 'ended') || !(await this.prepare(call.media))) return;
    this.set({ outgoing: false });
    this.controller.join(call);
  }

  decline = (): void => this.controller.decline();
  hangup = (): void => this.controller.hangup();
  dismissError = (): void => this.set({ error: null });

  setMicrophoneOn(on: boolean): void {
    this.controller.setMicrophoneEnabled(on);
    this.setLocal({ micOn: on });
  }

  setCameraOn(on: boolean): void {
    this.controller.setCameraEnabled(on);
    this.setLocal({ cameraOn: on });
  }

  async chooseDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    const stream = this.snap.local.stream;
    if (stream === null) return;
    const next = await openTrack(kind, deviceId);
    const old = stream.getTracks().find((t) => t.kind === kind);
    next.enabled = kind === 'audio' ? this.snap.local.micOn : this.snap.local.cameraOn;
    // While sharing, the screen keeps the video sender; the new camera waits in the stream.
    if (!(kind === 'video' && this.screenTrack)) await this.registry.replaceTrack(kind, next);
    if (old) {
      stream.removeTrack(old);
      old.stop();
    }
    stream.addTrack(next);
    if (kind === 'video') this.cameraTrack = next;
    this.setLocal(kind === 'audio' ? { microphoneId: deviceId } : { cameraId: deviceId, preview: this.screenTrack ? this.snap.local.preview : new MediaStream([next]) });
  }

  async startSharing(): Promise<void> {
    if (this.screenTrack) return;
    let display: MediaStream;
    try {
      display = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch {
      return; // the user closed the picker
    }
    const track = display.getVideoTracks()[0];
    if (track === undefined) return;
    this.screenTrack = track;
    track.onended = () => void this.stopSharing();
    await this.registry.replaceTrack('video', track);
    this.setLocal({ sharing: true, preview: display });
  }

  async stopSharing(): Promise<void> {
    const screen = this.screenTrack;
    if (screen === null) return;
    this.screenTrack = null;
    screen.stop();
    if (this.cameraTrack) await this.registry.replaceTrack('video', this.cameraTrack);
    this.setLocal({ sharing: false, preview: this.cameraTrack ? new MediaStream([this.cameraTrack]) : null });
  }

  dispose(): void {
    this.offUpdate();
    this.controller.dispose();
    this.teardown();
    this.listeners.clear();
  }

  private async loadIceServers(): Promise<void> {
    try {
      const { iceServers, expiresAt } = await this.deps.fetchIceServers();
      this.iceServers = iceServers;
      this.iceExpiresAt = expiresAt === null ? null : Date.parse(expiresAt);
    } catch {
      this.iceServers = []; // host candidates still work on a LAN; TURN is a bonus
      this.iceExpiresAt = null;
    }
  }

  /**
   * Before an ICE restart: new TURN credentials, within ICE_REFRESH_TIMEOUT_MS. On failure or
   * timeout the old servers stay (STUN still works, and the next restart tries again): a
   * flaky network is exactly when restarts happen.
   */
  private async refreshIceServers(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('ICE server refresh timed out')), ICE_REFRESH_TIMEOUT_MS);
    });
    try {
      const { iceServers, expiresAt } = await Promise.race([this.deps.fetchIceServers(), timeout]);
      this.iceServers = iceServers;
      this.iceExpiresAt = expiresAt === null ? null : Date.parse(expiresAt);
    } catch {
      // Keep what we have.
    } finally {
      clearTimeout(timer);
    }
  }

  private async prepare(media: CallMedia): Promise<boolean> {
    await this.loadIceServers();
    try {
      const stream = await openLocalMedia(media, this.snap.local);
      this.cameraTrack = stream.getVideoTracks()[0] ?? null;
      const local: LocalView = {
        ...this.snap.local,
        stream,
        preview: this.cameraTrack ? new MediaStream([this.cameraTrack]) : null,
        micOn: true,
        cameraOn: this.cameraTrack !== null,
        sharing: false,
      };
      this.set({ local, error: null, devices: await listDevices().catch(() => this.snap.devices) });
      this.registry.setLocalState({ micOn: true, cameraOn: local.cameraOn, sharing: false });
      return true;
    } catch {
      this.set({ error: 'Parley could not use your microphone. Check the browser’s permission and try again.' });
      return false;
    }
  }

  private onState(state: CallState): void {
    const before = this.snap.state.status;
    this.set({
      state,
      endedFrom: state.status === 'ended' ? before : null,
      ...(before === 'idle' && state.status === 'incoming_ringing' ? { outgoing: false } : {}),
    });
    if (state.status === 'incoming_ringing') this.startRinging(state);
    else this.stopRinging();
    const inCall = state.status === 'connecting' || state.status === 'active' || state.status === 'reconnecting';
    if (inCall) {
      this.statsTimer ??= setInterval(() => void this.registry.sampleStats().catch(() => undefined), STATS_INTERVAL_MS);
      this.pruneRemotes(Object.keys(state.peers));
    } else if (state.status === 'ended' || state.status === 'idle') {
      this.teardown();
    }
    clearTimeout(this.outcomeTimer);
    if (state.status === 'ended') this.outcomeTimer = setTimeout(() => this.controller.reset(), OUTCOME_VISIBLE_MS);
  }

  private onRemoteTrack(userId: string, track: MediaStreamTrack, streams: readonly MediaStream[]): void {
    this.registry.bindTrack(userId, track);
    const current = this.snap.remoteStreams[userId];
    const stream = streams[0] ?? current ?? new MediaStream();
    if (!stream.getTracks().includes(track)) stream.addTrack(track);
    // A new object when the stream changes, so <video> elements re-attach.
    this.set({ remoteStreams: { ...this.snap.remoteStreams, [userId]: stream } });
  }

  private pruneRemotes(present: string[]): void {
    const kept = Object.fromEntries(Object.entries(this.snap.remoteStreams).filter(([id]) => present.includes(id)));
    if (Object.keys(kept).length !== Object.keys(this.snap.remoteStreams).length) this.set({ remoteStreams: kept });
  }

  /** "Join call" is offered for answered calls only: a ringing one rings us instead. */
  private refreshRunning(): void {
    const running = [...this.controller.running.values()].filter((call) => call.state === 'active');
    this.set({ running: Object.fromEntries(running.map((call) => [call.conversationId, call])) });
  }

  private startRinging(state: Extract<CallState, { status: 'incoming_ringing' }>): void {
    if (this.ringing) return;
    this.ringing = startRingtone();
    this.notification = notifyIncomingCall(state.caller.displayName, state.call?.media ?? 'audio');
  }

  private stopRinging(): void {
    this.ringing?.stop();
    this.ringing = null;
    this.notification?.close();
    this.notification = null;
  }

  private releaseMedia(): void {
    for (const track of this.snap.local.stream?.getTracks() ?? []) track.stop();
    this.screenTrack?.stop();
    this.screenTrack = null;
    this.cameraTrack = null;
    this.setLocal({ stream: null, preview: null, sharing: false, micOn: true, cameraOn: true });
  }

  private teardown(): void {
    clearInterval(this.statsTimer);
    this.statsTimer = undefined;
    this.stopRinging();
    this.registry.clear();
    this.releaseMedia();
    if (Object.keys(this.snap.remoteStreams).length > 0) this.set({ remoteStreams: {} });
  }

  private setLocal(patch: Partial<LocalView>): void {
    const local = { ...this.snap.local, ...patch };
    this.set({ local });
    if ('micOn' in patch || 'cameraOn' in patch || 'sharing' in patch) {
      this.registry.setLocalState({ micOn: local.micOn, cameraOn: local.cameraOn, sharing: local.sharing });
    }
  }

  private set(patch: Partial<CallSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
