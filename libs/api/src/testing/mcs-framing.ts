import { MCS_VERSION } from './gcm-messages.ts';
import { encodeVarint, ProtobufWireError, readVarint } from './protobuf-wire.ts';

/**
 * MCS framing, as Chromium's ConnectionHandlerImpl reads and writes it: each side opens with
 * one version byte, then every message is a tag byte, a varint length and the protobuf bytes.
 */

export interface McsFrame {
  tag: number;
  body: Buffer;
}

/** Frames are small (Chromium keeps messages near 4 KiB); this bounds what a bad peer can make us buffer. */
const MAX_FRAME_BYTES = 1 << 20;

export function mcsFrame(tag: number, body: Buffer, withVersion = false): Buffer {
  return Buffer.concat([withVersion ? Buffer.from([MCS_VERSION, tag]) : Buffer.from([tag]), encodeVarint(body.length), body]);
}

/** Splits a byte stream into frames; the first byte of the stream is the peer's version. */
export class McsFrameReader {
  private buffer = Buffer.alloc(0);
  /** The peer's version byte, once it came. */
  version: number | undefined;

  /** Every frame completed by `chunk`. Throws ProtobufWireError on a stream that cannot be MCS. */
  push(chunk: Buffer): McsFrame[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (this.version === undefined) {
      const version = this.buffer[0];
      if (version === undefined) return [];
      if (version < MCS_VERSION) throw new ProtobufWireError(`MCS version ${version}, below ${MCS_VERSION}`);
      this.version = version;
      this.buffer = this.buffer.subarray(1);
    }
    const frames: McsFrame[] = [];
    for (;;) {
      const tag = this.buffer[0];
      if (tag === undefined) return frames;
      const length = readVarint(this.buffer, 1);
      if (length === null) return frames;
      if (length.value > MAX_FRAME_BYTES) throw new ProtobufWireError(`MCS frame of ${length.value} bytes`);
      const end = length.next + Number(length.value);
      if (this.buffer.length < end) return frames;
      frames.push({ tag, body: this.buffer.subarray(length.next, end) });
      this.buffer = this.buffer.subarray(end);
    }
  }
}
