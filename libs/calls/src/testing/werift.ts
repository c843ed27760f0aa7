import { RTCPeerConnection, type MediaStream, type MediaStreamTrack } from 'werift';
import { SignalDataSchema, type SignalData } from '@parley/protocol';
import type { PeerConnectionConfig, PeerConnectionLike } from '../peer-connection.ts';

export type WeriftPeerConnection = PeerConnectionLike<MediaStreamTrack, MediaStream>;

/** werift on loopback only: no public STUN default, and 127.0.0.1 as a host candidate. */
export function weriftPeerConnection(config: PeerConnectionConfig = { iceServers: [] }): RTCPeerConnection {
  return new RTCPeerConnection({ iceServers: config.iceServers, iceAdditionalHostAddresses: ['127.0.0.1'] });
}

/**
 * An in-memory signaling path: every signal goes through JSON and the wire schema (as over the
 * gateway) and arrives on a later macrotask. `paused` holds signals back to force races.
 */
export function signalingWire(deliver: (data: SignalData) => Promise<void> | void) {
  const held: SignalData[] = [];
  const wire = {
    paused: false,
    sent: [] as SignalData[],
    dropped: false,
    send(data: SignalData): void {
      const copy = SignalDataSchema.parse(JSON.parse(JSON.stringify(data)));
      wire.sent.push(copy);
      if (wire.dropped) return;
      if (wire.paused) held.push(copy);
      else setTimeout(() => void deliver(copy), 1);
    },
    release(): void {
      wire.paused = false;
      for (const data of held.splice(0)) setTimeout(() => void deliver(data), 1);
    },
  };
  return wire;
}

export async function eventually(predicate: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
