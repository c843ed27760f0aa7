import type { SignalData } from '@parley/protocol';
import {
  candidateToSignal,
  type IceCandidateEventLike,
  type PeerConnectionLike,
  type PeerConnectionState,
} from './peer-connection.ts';

/**
 * Politeness must be decided the same way on both ends without a round trip: the greater id is
 * polite. Callers pass ids that stay stable for the whole call (see call-controller.ts).
 */
export function isPolite(selfId: string, remoteId: string): boolean {
  if (selfId === remoteId) throw new Error('isPolite: both ends have the same id');
  return selfId > remoteId;
}

export interface PeerSessionOptions<TTrack = unknown, TStream = unknown> {
  pc: PeerConnectionLike<TTrack, TStream>;
  polite: boolean;
  /** Relays a description or candidate to the remote device (call_signal). */
  send(data: SignalData): void;
  onConnectionState?(state: PeerConnectionState): void;
  /** Negotiation errors that perfect negotiation does not expect (logged by the caller). */
  onError?(error: unknown): void;
  /**
   * Runs before every ICE restart (a failed connection, or restartIce()): e.g. swaps in fresh
   * TURN credentials, since a restart allocates anew and expired ones would be refused.
   */
  beforeIceRestart?(): Promise<void>;
}

/**
 * Perfect negotiation (W3C webrtc-pc §10.7) with ONE remote device. Either side may change its
 * media at any time; `negotiationneeded` makes an offer with the implicit setLocalDescription().
 * When both offer at once, the impolite side ignores the remote offer and the polite side rolls
 * its own back (implicitly, inside setRemoteDescription) and answers; the polite side's changes
 * then renegotiate once back in `stable`. A `failed` connection restarts ICE by itself.
 */
/** How long the polite side waits for the impolite side's first offer before offering itself. */
export const INITIAL_OFFER_WAIT_MS = 1500;

export class PeerSession<TTrack = unknown, TStream = unknown> {
  readonly pc: PeerConnectionLike<TTrack, TStream>;
  readonly polite: boolean;
  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswer = false;
  private closed = false;
  /**
   * The first offer belongs to the impolite side: at call start both sides add tracks at
   * once, and letting both offer makes glare the normal case (seen racing in Chromium). The
   * polite side holds its first offer until the remote has spoken, or INITIAL_OFFER_WAIT_MS
   * passed (the other side may have nothing to send).
   */
  private heardRemote = false;
  private initialOfferTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Candidates gathered while a local description is being set wait until that description is
   * sent: werift emits them before setLocalDescription resolves, and a restart's candidates
   * carry a ufrag the remote cannot match until it has the new offer.
   */
  private describing = 0;
  private heldCandidates: SignalData[] = [];
  /**
   * Remote candidates that came before any remote description. The gateway relays a device's
   * signals in order, but a browser refuses a candidate without a remote description, so one
   * that overtakes its offer anyway (a reordering relay, a future transport) waits here.
   */
  private earlyCandidates: SignalData[] = [];
  /** Remote signals are applied one at a time, in arrival order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: PeerSessionOptions<TTrack, TStream>) {
    this.pc = options.pc;
    this.polite = options.polite;
    this.pc.onnegotiationneeded = () => void this.negotiate();
    this.pc.onicecandidate = (event: IceCandidateEventLike) => {
      if (this.closed) return;
      const signal = candidateToSignal(event.candidate);
      if (this.describing > 0) this.heldCandidates.push(signal);
      else options.send(signal);
    };
    this.pc.onconnectionstatechange = () => {
      const state = this.pc.connectionState;
      if (this.closed) return;
      if (state === 'failed') this.restartIce();
      options.onConnectionState?.(state);
    };
  }

  get connectionState(): PeerConnectionState {
    return this.pc.connectionState;
  }

  /** Applies a signal from the remote device. Resolves once applied (or deliberately ignored). */
  receive(data: SignalData): Promise<void> {
    const next = this.queue.then(() => this.apply(data)).catch((error: unknown) => this.fail(error));
    this.queue = next;
    return next;
  }

  /** New ICE credentials on the next offer, e.g. after the signaling socket came back. */
  restartIce(): void {
    if (this.closed) return;
    const prepare = this.options.beforeIceRestart;
    if (!prepare) return this.pc.restartIce();
    void prepare()
      .catch((error: unknown) => this.fail(error)) // restart anyway: host candidates may do
      .then(() => {
        if (!this.closed) this.pc.restartIce();
      });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pc.onnegotiationneeded = null;
    this.pc.onicecandidate = null;
    this.pc.onconnectionstatechange = null;
    this.pc.ontrack = null;
    clearTimeout(this.initialOfferTimer);
    try {
      void Promise.resolve(this.pc.close()).catch(() => undefined);
    } catch {
      // Already closed: nothing left to release.
    }
  }

  private async negotiate(): Promise<void> {
    if (this.closed) return;
    if (this.polite && !this.heardRemote) {
      this.initialOfferTimer ??= setTimeout(() => {
        // Still silent: offer ourselves (perfect negotiation copes if they now offer too).
        if (!this.heardRemote) {
          this.heardRemote = true;
          void this.negotiate();
        }
      }, INITIAL_OFFER_WAIT_MS);
      return;
    }
    try {
      this.makingOffer = true;
      // A remote offer may have rolled ours back meanwhile: then there is nothing to send.
      await this.describe('offer');
    } catch (error) {
      this.fail(error);
    } finally {
      this.makingOffer = false;
    }
  }

  /** Implicit setLocalDescription, then the description, then the candidates it produced. */
  private async describe(expected: 'offer' | 'answer'): Promise<void> {
    this.describing += 1;
    try {
      await this.pc.setLocalDescription();
      const description = this.pc.localDescription;
      if (description && description.type === expected && !this.closed) {
        this.options.send({ kind: 'description', description: { type: description.type, sdp: description.sdp } });
      }
    } finally {
      this.describing -= 1;
      if (this.describing === 0 && !this.closed) {
        for (const signal of this.heldCandidates.splice(0)) this.options.send(signal);
      }
    }
  }

  private async apply(data: SignalData): Promise<void> {
    if (this.closed) return;
    if (data.kind === 'candidate') {
      if (this.pc.remoteDescription === null && data.candidate !== null && !this.ignoreOffer) {
        this.earlyCandidates.push(data);
        return;
      }
      try {
        await this.pc.addIceCandidate(data.candidate);
      } catch (error) {
        // Candidates of an offer we ignored, or an end-of-candidates marker an
        // implementation does not accept, are expected to fail.
        if (!this.ignoreOffer && data.candidate !== null) throw error;
      }
      return;
    }
    const { description } = data;
    this.heardRemote = true;
    clearTimeout(this.initialOfferTimer);
    // An answer to an offer we no longer have (it was rolled back) is stale: drop it.
    if (description.type === 'answer' && this.pc.signalingState === 'stable') return;
    const readyForOffer =
      !this.makingOffer && (this.pc.signalingState === 'stable' || this.settingRemoteAnswer);
    const collision = description.type === 'offer' && !readyForOffer;
    this.ignoreOffer = !this.polite && collision;
    if (this.ignoreOffer) return;
    this.settingRemoteAnswer = description.type === 'answer';
    try {
      await this.pc.setRemoteDescription(description);
    } finally {
      this.settingRemoteAnswer = false;
    }
    await this.addEarlyCandidates();
    if (description.type !== 'offer' || this.closed) return;
    await this.describe('answer');
  }

  private async addEarlyCandidates(): Promise<void> {
    for (const signal of this.earlyCandidates.splice(0)) {
      if (signal.kind !== 'candidate' || this.closed) continue;
      // Best effort: a candidate of an offer the remote has since rolled back fails harmlessly.
      await this.pc.addIceCandidate(signal.candidate).catch(() => undefined);
    }
  }

  private fail(error: unknown): void {
    if (!this.closed) this.options.onError?.(error);
  }
}
