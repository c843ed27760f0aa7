import { summarizeStats, type LinkQuality } from './call-stats.ts';
import { MEDIA_STATE_CHANNEL, decodeMediaState, encodeMediaState, type MediaState } from './media-state.ts';

interface PeerInfo {
  userId?: string;
  channel: RTCDataChannel;
  media?: MediaState;
  quality?: LinkQuality;
}

export interface RemotePeerView {
  media?: MediaState | undefined;
  quality?: LinkQuality | undefined;
}

/**
 * Every RTCPeerConnection the controller made in this tab, with its in-band media-state channel
 * and link quality. The controller keys peers by user id but does not expose connections; a
 * connection is tied to its user when its first remote track arrives.
 */
export class PeerRegistry {
  private readonly peers = new Map<RTCPeerConnection, PeerInfo>();
  private localState: MediaState = { micOn: true, cameraOn: true, sharing: false };

  constructor(private readonly onChange: () => void) {}

  create(iceServers: RTCIceServer[]): RTCPeerConnection {
    const pc = new RTCPeerConnection({ iceServers });
    // Negotiated with a fixed id on both ends: it rides the first offer whoever makes it.
    const channel = pc.createDataChannel(MEDIA_STATE_CHANNEL.label, { negotiated: true, id: MEDIA_STATE_CHANNEL.id });
    const info: PeerInfo = { channel };
    channel.onopen = () => channel.send(encodeMediaState(this.localState));
    channel.onmessage = (event: MessageEvent) => {
      const media = decodeMediaState(event.data);
      if (media === null) return;
      info.media = media;
      this.onChange();
    };
    this.peers.set(pc, info);
    return pc;
  }

  /** Ties the connection that received `track` to `userId`. */
  bindTrack(userId: string, track: MediaStreamTrack): void {
    for (const [pc, info] of this.peers) {
      if (pc.getReceivers().some((r) => r.track === track)) info.userId = userId;
    }
  }

  setLocalState(state: MediaState): void {
    this.localState = state;
    const message = encodeMediaState(state);
    for (const { channel } of this.peers.values()) if (channel.readyState === 'open') channel.send(message);
  }

  /** Swaps what we send of one kind on every connection (device change, screen share): no renegotiation. */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void> {
    const jobs: Array<Promise<void>> = [];
    for (const pc of this.open()) {
      const sender = pc.getSenders().find((s) => s.track?.kind === kind);
      if (sender) jobs.push(sender.replaceTrack(track));
    }
    await Promise.all(jobs);
  }

  async sampleStats(): Promise<void> {
    await Promise.all(
      this.open().map(async (pc) => {
        const info = this.peers.get(pc);
        if (!info) return;
        const report = await pc.getStats();
        info.quality = summarizeStats(report.values() as Iterable<never>, info.quality?.counters);
      }),
    );
    this.onChange();
  }

  view(userId: string): RemotePeerView {
    for (const [pc, info] of this.peers) {
      if (info.userId === userId && pc.connectionState !== 'closed') return { media: info.media, quality: info.quality };
    }
    return {};
  }

  clear(): void {
    for (const pc of this.peers.keys()) pc.close();
    this.peers.clear();
  }

  private open(): RTCPeerConnection[] {
    const open: RTCPeerConnection[] = [];
    for (const pc of this.peers.keys()) {
      if (pc.signalingState === 'closed') this.peers.delete(pc);
      else open.push(pc);
    }
    return open;
  }
}
