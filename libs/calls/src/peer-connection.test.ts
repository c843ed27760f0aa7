import { describe, expect, it } from 'vitest';
import type { RTCPeerConnection as WeriftRTCPeerConnection, MediaStream, MediaStreamTrack } from 'werift';
import type { PeerConnectionLike } from './peer-connection.ts';
import { candidateToSignal } from './peer-connection.ts';
import { isPolite } from './peer-session.ts';

// Compile-time proof that both implementations fit the structural interface: tsc fails here
// if either stops satisfying it.
type DomPeerConnection = PeerConnectionLike<globalThis.MediaStreamTrack, globalThis.MediaStream>;
const fromDom = (pc: globalThis.RTCPeerConnection): DomPeerConnection => pc;
const fromWerift = (pc: WeriftRTCPeerConnection): PeerConnectionLike<MediaStreamTrack, MediaStream> => pc;

describe('PeerConnectionLike', () => {
  it('is satisfied by the browser and by werift', () => {
    expect([typeof fromDom, typeof fromWerift]).toEqual(['function', 'function']);
  });

  it('copies candidate fields (browser candidates expose getters) and maps the end marker to null', () => {
    const candidate = Object.create(
      {},
      {
        candidate: { get: () => 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', enumerable: false },
        sdpMid: { get: () => '0', enumerable: false },
        sdpMLineIndex: { get: () => 0, enumerable: false },
      },
    ) as { candidate: string; sdpMid: string; sdpMLineIndex: number };
    expect(candidateToSignal(candidate)).toEqual({
      kind: 'candidate',
      candidate: {
        candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
        sdpMid: '0',
        sdpMLineIndex: 0,
        usernameFragment: null,
      },
    });
    expect(candidateToSignal(undefined)).toEqual({ kind: 'candidate', candidate: null });
  });

  it('decides politeness the same way on both ends', () => {
    expect(isPolite('b', 'a')).toBe(true);
    expect(isPolite('a', 'b')).toBe(false);
    expect(() => isPolite('a', 'a')).toThrow();
  });
});
